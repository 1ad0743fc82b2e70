"""Reference data the bureau keeps: the occupation catalogue, yearly shortage lists, designations."""
