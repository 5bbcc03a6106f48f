/* The self-test of the link-alone check: code of the store layer calling
 * up into config (tests/layers.cmake); that link must fail. */
#include "config/config.h"

int svc_layers_upward(struct device *dev);

int
svc_layers_upward(struct device *dev)
{
	return config_get(dev, "system.auto_clear", NULL, NULL);
}
