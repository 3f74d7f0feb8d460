#!/usr/bin/env python3
"""Write src/model/choices.rs: NetBox's choice values, read from its OpenAPI schema.

Usage: python3 scripts/gen_choices.py tests/fixtures/netbox/openapi.json.gz > src/model/choices.rs
A test (tests/choices.rs) checks the generated table against the vendored schema
(scripts/refresh-openapi.py refreshes it from a running NetBox).
"""
import gzip
import json
import sys

# (Rust constant, schema, property)
TABLE = [
    ("SITE_STATUS", "WritableSiteRequest", "status"),
    ("LOCATION_STATUS", "WritableLocationRequest", "status"),
    ("RACK_STATUS", "WritableRackRequest", "status"),
    ("DEVICE_STATUS", "WritableDeviceWithConfigContextRequest", "status"),
    ("DEVICE_FACE", "WritableDeviceWithConfigContextRequest", "face"),
    ("DEVICE_AIRFLOW", "WritableDeviceWithConfigContextRequest", "airflow"),
    ("DEVICE_TYPE_AIRFLOW", "WritableDeviceTypeRequest", "airflow"),
    ("WEIGHT_UNIT", "WritableDeviceTypeRequest", "weight_unit"),
    ("SUBDEVICE_ROLE", "WritableDeviceTypeRequest", "subdevice_role"),
    ("INTERFACE_TYPE", "WritableInterfaceRequest", "type"),
    ("INTERFACE_MODE", "WritableInterfaceRequest", "mode"),
    ("POE_MODE", "WritableInterfaceTemplateRequest", "poe_mode"),
    ("POE_TYPE", "WritableInterfaceTemplateRequest", "poe_type"),
    ("RF_ROLE", "WritableInterfaceTemplateRequest", "rf_role"),
    ("CONSOLE_PORT_TYPE", "WritableConsolePortTemplateRequest", "type"),
    ("CONSOLE_SERVER_PORT_TYPE", "WritableConsoleServerPortTemplateRequest", "type"),
    ("POWER_PORT_TYPE", "WritablePowerPortTemplateRequest", "type"),
    ("POWER_OUTLET_TYPE", "WritablePowerOutletTemplateRequest", "type"),
    ("FEED_LEG", "WritablePowerOutletTemplateRequest", "feed_leg"),
    ("FRONT_PORT_TYPE", "WritableFrontPortTemplateRequest", "type"),
    ("REAR_PORT_TYPE", "WritableRearPortTemplateRequest", "type"),
    ("CABLE_TYPE", "WritableCableRequest", "type"),
    ("CABLE_STATUS", "WritableCableRequest", "status"),
    ("LENGTH_UNIT", "WritableCableRequest", "length_unit"),
    ("PREFIX_STATUS", "WritablePrefixRequest", "status"),
    ("IP_STATUS", "WritableIPAddressRequest", "status"),
    ("IP_ROLE", "WritableIPAddressRequest", "role"),
    ("VLAN_STATUS", "WritableVLANRequest", "status"),
    ("CIRCUIT_STATUS", "WritableCircuitRequest", "status"),
    ("CUSTOM_FIELD_TYPE", "WritableCustomFieldRequest", "type"),
    ("IP_RANGE_STATUS", "WritableIPRangeRequest", "status"),
    ("SERVICE_PROTOCOL", "WritableServiceRequest", "protocol"),
    ("FHRP_PROTOCOL", "FHRPGroupRequest", "protocol"),
    ("FHRP_AUTH_TYPE", "FHRPGroupRequest", "auth_type"),
    ("CONTACT_PRIORITY", "WritableContactAssignmentRequest", "priority"),
    ("CLUSTER_STATUS", "WritableClusterRequest", "status"),
    ("VM_STATUS", "WritableVirtualMachineWithConfigContextRequest", "status"),
    ("POWER_FEED_STATUS", "WritablePowerFeedRequest", "status"),
    ("POWER_FEED_TYPE", "WritablePowerFeedRequest", "type"),
    ("POWER_FEED_SUPPLY", "WritablePowerFeedRequest", "supply"),
    ("POWER_FEED_PHASE", "WritablePowerFeedRequest", "phase"),
    ("RACK_FORM_FACTOR", "WritableRackTypeRequest", "form_factor"),
    ("RACK_OUTER_UNIT", "WritableRackTypeRequest", "outer_unit"),
    ("RACK_RESERVATION_STATUS", "WritableRackReservationRequest", "status"),
    ("L2VPN_TYPE", "WritableL2VPNRequest", "type"),
    ("L2VPN_STATUS", "WritableL2VPNRequest", "status"),
    ("WIRELESS_LAN_STATUS", "WritableWirelessLANRequest", "status"),
    ("WIRELESS_AUTH_TYPE", "WritableWirelessLANRequest", "auth_type"),
    ("WIRELESS_AUTH_CIPHER", "WritableWirelessLANRequest", "auth_cipher"),
    ("WIRELESS_LINK_STATUS", "WritableWirelessLinkRequest", "status"),
    ("DISTANCE_UNIT", "WritableWirelessLinkRequest", "distance_unit"),
]


def main():
    path = sys.argv[1]
    spec = json.load(gzip.open(path, "rt") if path.endswith(".gz") else open(path))
    schemas = spec["components"]["schemas"]
    print("//! NetBox's choice values, generated from its OpenAPI schema by scripts/gen_choices.py.")
    print("//! Do not edit by hand; tests/choices.rs checks this table against the schema.")
    print()
    print("/// (constant, schema, property, values) for every choice set below.")
    print("pub const TABLE: &[(&str, &str, &str, &[&str])] = &[")
    for const, schema, prop in TABLE:
        print(f'    ("{const}", "{schema}", "{prop}", {const}),')
    print("];")
    for const, schema, prop in TABLE:
        values = [v for v in schemas[schema]["properties"][prop]["enum"] if v]
        print()
        print(f"/// `{prop}` of `{schema}`.")
        print(f"pub const {const}: &[&str] = &[")
        for v in values:
            print(f'    "{v}",')
        print("];")


main()
