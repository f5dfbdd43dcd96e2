package roomgate.node.registry;

/** A client session as a node knows it: which gateway link it came over, and its id there. */
record SessionKey(GatewayLink link, long sessionId) {}
