"""Network planner: routes multi-step jobs onto the free windows of the network's resources."""
