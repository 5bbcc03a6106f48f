-- 081: Subnet Mask, Gateway Address and the two DNS servers are no longer
-- settings. svcmode never configured the controller's network interface
-- (its operating system does), so their values changed nothing on the
-- device. src/catalog/catalog.c keeps their names as retired keys: an old
-- export still imports, and 'set' says why they are gone.
DELETE FROM setting WHERE key IN ('network.tcpip.ipv4.netmask', 'network.tcpip.ipv4.gateway',
                                  'network.tcpip.dns.primary', 'network.tcpip.dns.secondary');
