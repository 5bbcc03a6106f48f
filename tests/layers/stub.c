/* The program around one layer linked alone (tests/layers.cmake): the
 * layer's whole archive must link with only the layers it declares. */
int
main(void)
{
	return 0;
}
