"""REST endpoints for organizations, sites, memberships, networks and network memberships."""

from ninja import Router

router = Router(tags=["network"])
