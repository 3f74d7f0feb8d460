//! The registry of stable diagnostic codes.
//!
//! A code, once released, keeps its meaning. `docs/diagnostics.md` is generated
//! from this table (`sot explain --all --markdown`) and a test keeps it in sync;
//! every code has an invalid and a valid fixture under `tests/fixtures/codes/`.

use super::Severity;

/// Everything a user can look up about a code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the code means.
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub explanation: &'static str,
    /// A minimal inventory snippet that triggers it.
    pub example: &'static str,
}

macro_rules! codes {
    ($( $variant:ident = $code:literal $name:literal $sev:ident { $summary:literal, $explanation:literal, $example:literal } )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $( Code::$variant => &CodeInfo {
                        code: $code,
                        name: $name,
                        severity: Severity::$sev,
                        summary: $summary,
                        explanation: $explanation,
                        example: $example,
                    }, )*
                }
            }
        }
    };
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// Look a code up by its code (`E0202`) or its name (`unknown-reference`).
    pub fn lookup(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.info().code.eq_ignore_ascii_case(s) || c.info().name == s)
    }
}

codes! {
    YamlSyntax = "E0001" "yaml-syntax" Error {
        "The file is not well-formed YAML.",
        "The YAML parser stopped at the reported position. Nothing else in this file is checked until it parses; other files are still checked. Tabs cannot indent YAML: use spaces.",
        "devices:\n  - name: r1\n\trole: leaf"
    }
    DuplicateKey = "E0002" "duplicate-key" Error {
        "A mapping has the same key twice.",
        "YAML parsers disagree on which of two equal keys wins, so `sot` refuses both. Remove or rename one of them; the earlier key is shown as related.",
        "sites:\n  - name: London\n    name: Paris"
    }
    AliasBudget = "E0003" "alias-budget" Error {
        "Anchors and aliases expand to more nodes than allowed.",
        "Aliases are expanded when a file is read. A file whose aliases expand past the node budget (a \"billion laughs\" file: 1,000,000 nodes per file) is refused rather than exhausting memory. The files of a run also share one budget (4,000,000 nodes, or one node per 8 bytes of YAML read when that is more), so many small alias bombs cannot add up: once it is spent, the file that passed it, and every later file (in path order) that uses aliases, is refused. Write the data out, or use fewer nested aliases.",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]"
    }
    TooDeep = "E0004" "too-deep" Error {
        "Collections are nested deeper than allowed.",
        "Sequences and mappings may nest at most 128 levels deep. Deeper data is almost certainly a mistake or an attack on the parser.",
        "data: [[[[[[[[ ... ]]]]]]]]"
    }
    MultipleDocuments = "E0005" "multiple-documents" Error {
        "A file holds more than one YAML document.",
        "Each data file is one YAML document (one mapping from collection names to lists). Split a file with `---` separators into several files.",
        "sites: []\n---\ndevices: []"
    }
    InvalidEncoding = "E0006" "invalid-encoding" Error {
        "A file is not valid UTF-8.",
        "Inventory files must be UTF-8. The position of the first invalid byte is reported; re-save the file as UTF-8.",
        "name: caf\\xe9   # Latin-1 byte"
    }
    FileUnreadable = "E0007" "file-unreadable" Error {
        "A file could not be read.",
        "The file exists in the inventory tree but reading it failed (permissions, or a symlink that leads outside the repository, which is never followed).",
        "inventory/evil.yaml -> /etc/passwd"
    }
    FileTooLarge = "E0008" "file-too-large" Error {
        "A file is larger than `max_file_size` allows.",
        "Files over the size cap (256 MiB by default; `max_file_size` in sot.yaml) are refused unread, so a pull request cannot exhaust memory. Split the file, or raise the cap.",
        "# sot.yaml: max_file_size: 1048576\n# inventory/huge.yaml: 5 MB"
    }
    YamlPortability = "W0009" "yaml-portability" Warning {
        "The YAML is read by PyYAML, which NetBox's tools use, but not by YAML 1.2 parsers.",
        "NetBox's device-type import and devicetype-library's checks read YAML with PyYAML, which is more lenient than YAML 1.2 in places: it does not check how a quoted scalar's following lines are indented. Files from devicetype-library have such scalars (a `comments:` in single quotes whose lines start in column 1). `sot` reads them as PyYAML does, where the meaning is not in doubt (a quoted scalar's line breaks fold and the lines' leading blanks are dropped, so indenting them does not change the value), and warns at the first such line: other YAML tools (yamllint, editors, most libraries) refuse the file. Indent the lines past the key, or write the text as a block scalar (`|`).",
        "comments: 'first line\nsecond line, not indented'"
    }
    UnknownCollection = "E0101" "unknown-collection" Error {
        "A top-level key is not a known collection.",
        "A data file maps collection names (`sites`, `devices`, `cables`, ...) to lists of objects. See FORMAT.md for the list; the closest known name is suggested.",
        "devcies:\n  - name: r1"
    }
    UnknownField = "E0102" "unknown-field" Error {
        "An object has a field its collection does not define.",
        "Unknown fields are refused rather than ignored, because a misspelled field silently does nothing. The closest known field is suggested.",
        "sites:\n  - name: London\n    regoin: uk"
    }
    MissingField = "E0103" "missing-field" Error {
        "A required field is missing.",
        "Each collection has required fields (in bold in FORMAT.md). The object is shown; add the field.",
        "devices:\n  - name: r1\n    role: leaf\n    site: lon1"
    }
    WrongType = "E0104" "wrong-type" Error {
        "A value has the wrong type.",
        "The field expects another kind of value: a string, a whole number, a boolean, a list or a mapping. Quote values that YAML would otherwise read as numbers or booleans.",
        "racks:\n  - name: R1\n    site: lon1\n    u_height: forty-two"
    }
    InvalidValue = "E0105" "invalid-value" Error {
        "A value has the right type but is not valid.",
        "The value does not parse as what the field holds: an IP prefix or address in CIDR form, a date, a number in range, a cable end `device:interface`.",
        "prefixes:\n  - prefix: 10.0.0.0/33"
    }
    InvalidSlug = "E0106" "invalid-slug" Error {
        "A slug holds characters NetBox refuses, or a name gives an empty slug.",
        "Slugs contain only letters, digits, `-` and `_`. A slug left out is derived from the name as NetBox's slugify does (characters other than letters, digits, `_`, `-`, `.` and spaces dropped; runs of `-`, `.` and spaces become one `-`; lowercase); a name with no letter or digit cannot give one.",
        "sites:\n  - name: London\n    slug: london dc1"
    }
    UnsafeName = "E0107" "unsafe-name" Error {
        "A name that becomes a file name is not safe as one.",
        "Device names become file names (`build/configs/<device>.cfg`), so they may not contain NUL or control characters, and may not be empty. A name with `/`, `\\` or `..` (NetBox allows `core/sw1`) is fine: its configuration gets a file name derived from it (`configs/core-sw1~f787a991.cfg`).",
        "devices:\n  - name: \"sw1\\tcore\""
    }
    InvisibleCharacter = "W0108" "invisible-character" Warning {
        "A device name holds an invisible or bidirectional control character.",
        "Characters such as U+202E (right-to-left override), U+2066..U+2069 (bidirectional isolates), zero-width spaces and joiners, or unusual spaces are invisible, or reorder the text around them: a name that holds one looks like another name, in a review, in a terminal and in the file name `build/configs/<device>.cfg`. Write the name with visible characters only.",
        "devices:\n  - name: \"lon1-spine1\\u202e\""
    }
    CaseCollision = "W0109" "case-collision" Warning {
        "Two device names differ only in letter case.",
        "Device names become file names (`build/configs/<device>.cfg`), and on case-insensitive file systems (macOS and Windows by default) `R1.cfg` and `r1.cfg` are one file: one configuration overwrites the other when the output is copied there. They are also easily confused by people. Reported at the later device, with the earlier one as a related location. Rename one of them.",
        "devices:\n  - name: lon1-spine1\n  - name: LON1-spine1"
    }
    NetboxLimit = "E0110" "netbox-limit" Error {
        "A value is longer, shorter, larger or smaller than NetBox accepts, or does not match NetBox's pattern.",
        "NetBox limits its fields: a `description` holds at most 200 characters, a device `name` 64, a VLAN's `vid` lies between 1 and 4094, a tag's `color` is six lowercase hex digits. These limits come from NetBox's API schema (generated into `src/model/limits.rs`, with the NetBox version) and are checked as each field is read, so a value NetBox would refuse is reported at its line, not by a failing push. Lengths count characters, as NetBox does.",
        "sites:\n  - name: London\n    description: \"(201 characters)\""
    }
    Yaml11Value = "W0111" "yaml-1-1-value" Warning {
        "A true/false or number field holds a value NetBox's import reads differently (YAML 1.1).",
        "`sot` reads YAML 1.2; NetBox's import and devicetype-library's checks read YAML with PyYAML, which follows YAML 1.1, and the two disagree on some unquoted values: `yes`, `no`, `on`, `off` are booleans in YAML 1.1 and strings in 1.2; `010` is 8 (octal) in 1.1 and 10 in 1.2; `08` is a string in 1.1 and 8 in 1.2; `1:20` is 80 (base 60) in 1.1 and a string in 1.2. A field that takes text reads the text as written, with no warning. A true/false or number field warns and says what NetBox's import reads; it takes YAML 1.2's number where 1.2 reads one, and YAML 1.1's value where 1.2 reads only a string (`yes` is true, `1:20` is 80). Write `true`/`false` and plain decimal numbers so that every reader agrees.",
        "interfaces:\n  - name: mgmt0\n    mgmt_only: yes\n    mtu: 01500"
    }
    DuplicateObject = "E0201" "duplicate-object" Error {
        "Two objects of one collection have the same natural key.",
        "Natural keys (a slug, a device name, a rack name within its site...) identify objects and must be unique. The finding is reported at the later object, with the first as related.",
        "sites:\n  - name: London\n  - name: london"
    }
    UnknownReference = "E0202" "unknown-reference" Error {
        "A reference names an object that does not exist.",
        "References name their target by slug (or by natural key where the target has no slug). The closest existing key is suggested.",
        "devices:\n  - name: r1\n    site: lodnon"
    }
    AmbiguousReference = "E0203" "ambiguous-reference" Error {
        "A reference matches more than one object.",
        "The reference names objects in several places (a location slug used at two sites, a circuit id used by two providers). Qualify it.",
        "cables:\n  - a: r1:eth0\n    b: {circuit: C-1, term: A}"
    }
    ReferenceCycle = "E0204" "reference-cycle" Error {
        "A chain of parent references loops back on itself.",
        "Regions, site groups, tenant groups and locations form trees; a parent chain that returns to its start has no root.",
        "regions:\n  - {name: A, parent: b}\n  - {name: B, parent: a}"
    }
    TagNameClash = "E0205" "tag-name-clash" Error {
        "A tag's name equals another tag's slug.",
        "Tags are referenced by name or by slug; a name that is another tag's slug would make references ambiguous.",
        "tags:\n  - {name: core}\n  - {name: Core Links, slug: core}"
    }
    UnknownFile = "E0206" "unknown-file" Error {
        "A template or schema reference names no file.",
        "`config_template` names a file under templates/ (the `.j2` suffix may be left out); `schema` names a file under schemas/ (`.json`, `.yaml` may be left out).",
        "platforms:\n  - name: EOS\n    config_template: eso"
    }
    UnknownCustomField = "E0207" "unknown-custom-field" Error {
        "A custom field is not defined for this kind of object.",
        "Keys of `custom_fields` must be custom fields defined in the `custom_fields` collection whose `object_types` include this object's type (`dcim.device`, `dcim.site`...).",
        "devices:\n  - name: r1\n    custom_fields: {rotuer_id: 192.0.2.1}"
    }
    UnusedTag = "W0201" "unused-tag" Warning {
        "A tag is defined but nothing carries it.",
        "Tags are pre-created labels; one that no object, interface or config context uses is usually left over from a rename or a typo'd definition. Remove it, or tag something with it.",
        "tags:\n  - {name: ospf_cost=5000}   # nothing uses it"
    }
    InvalidChoice = "E0301" "invalid-choice" Error {
        "A choice field holds a value NetBox does not offer.",
        "Status, type, mode, face, unit and role fields take one of NetBox's fixed values (listed in its API schema). The closest valid value is suggested.",
        "devices:\n  - name: r1\n    status: actve"
    }
    RackUnitRange = "E0302" "rack-unit-range" Error {
        "A device does not fit inside its rack's units.",
        "A device at `position` occupies its device type's `u_height` units upward from there; all of them must lie between the rack's `starting_unit` and its last unit (`starting_unit + u_height - 1`).",
        "racks: [{name: R1, site: lon1, u_height: 42}]\ndevices:\n  - {name: r1, rack: R1, position: 42, face: front, device_type: two-u, ...}"
    }
    RackCollision = "E0303" "rack-collision" Error {
        "Two devices occupy the same rack unit on the same face.",
        "A unit holds one device per face; a full-depth device occupies both faces. The device written later is reported, with the one already there.",
        "devices:\n  - {name: r1, rack: R1, position: 10, face: front, ...}\n  - {name: r2, rack: R1, position: 10, face: front, ...}"
    }
    RackPlacement = "E0304" "rack-placement" Error {
        "A rack position or face is given without what it needs.",
        "A `position` needs a `rack` and a `face`; a `face` needs a `rack`. A device mounted in a rack with a location must be in that location.",
        "devices:\n  - {name: r1, site: lon1, position: 10, ...}"
    }
    InterfaceLink = "E0305" "interface-link" Error {
        "An interface's LAG or parent is not one it can have.",
        "A LAG member's `lag` must be an interface of type `lag` on the same device, and not itself; a `parent` must be another interface of the same device.",
        "interfaces:\n  - {name: Ethernet1, lag: Ethernet2}\n  - {name: Ethernet2, type: 10gbase-x-sfpp}"
    }
    PortPosition = "E0306" "port-position" Error {
        "A front port maps to a position its rear port does not have.",
        "A rear port carries `positions` front-port positions (1 unless written); a front port's `rear_port_position` must lie between 1 and that number, and two front ports cannot take the same position of one rear port.",
        "rear-ports:\n  - {name: R1, type: 8p8c}\nfront-ports:\n  - {name: F1, type: 8p8c, rear_port: R1, rear_port_position: 5}"
    }
    ChildDeviceType = "E0307" "child-device-type" Error {
        "A child device type takes rack units, or a device bay holds a device that is not a child.",
        "A device type with `subdevice_role: child` sits in a parent's device bay and has `u_height: 0`. A device bay can hold only a device of a child type, on a device whose type is a parent (`subdevice_role: parent`), and a device sits in one bay at most.",
        "model: Blade 1\nsubdevice_role: child\nu_height: 1"
    }
    CableCompatibility = "E0309" "cable-compatibility" Error {
        "A cable joins terminations NetBox does not allow together.",
        "A console port is cabled to a console server port (or a front or rear port), a power port to a power outlet or power feed, an outlet to a power port; interfaces, front and rear ports and circuit terminations are cabled among themselves. All terminations of one end of a cable are of one kind and on one device.",
        "cables:\n  - {a: con1:Port 1, b: pdu1:Power Outlet 1}"
    }
    CableEndInUse = "E0310" "cable-end-in-use" Error {
        "An interface or circuit end carries more than one connection.",
        "An interface or a circuit termination takes one cable; a circuit termination written on `device:interface` is that interface's one connection. The later connection is reported with the one that already uses the end.",
        "cables:\n  - {a: r1:eth0, b: r2:eth0}\n  - {a: r1:eth0, b: r3:eth0}"
    }
    CableLoop = "E0311" "cable-loop" Error {
        "A cable connects an end to itself.",
        "Both ends of the cable name the same interface or circuit termination.",
        "cables:\n  - {a: r1:eth0, b: r1:eth0}"
    }
    NotCablable = "E0312" "not-cablable" Error {
        "A cable ends on an interface that cannot take one.",
        "Virtual, bridge, LAG and wireless interfaces have no physical port; NetBox refuses cables on them. Cable the LAG's member interfaces instead.",
        "cables:\n  - {a: r1:Port-Channel1, b: r2:Port-Channel1}"
    }
    ModuleBay = "E0313" "module-bay" Error {
        "A module is installed in a bay that cannot take it, or its names cannot be made.",
        "A module sits in a module bay of its device (the type's, one written on the device, or one a module installed before brings), one module to a bay; it names a module type from `module-types/`. Each `{module}` in the names of the module type's components is replaced by the position of a bay on the way to the module: one token takes the bay's own position, several take the positions from the outermost bay in.",
        "devices:\n  - name: r1\n    module_bays:\n      - {name: FPC9, module: EX9200-40XS}   # the device has no bay FPC9"
    }
    VlanRange = "E0320" "vlan-range" Error {
        "A VLAN id is outside 1-4094 or outside its group's range.",
        "VLAN ids run from 1 to 4094. A VLAN in a group must also lie within the group's `min_vid`..`max_vid`, which themselves lie in 1-4094 with min not above max.",
        "vlan_groups: [{name: Users, min_vid: 100, max_vid: 199}]\nvlans:\n  - {vid: 200, name: guests, group: users}"
    }
    VlanAssignment = "E0321" "vlan-assignment" Error {
        "An interface's VLANs do not fit its mode or its device's site.",
        "Tagged VLANs need `mode: tagged`; an untagged VLAN needs a mode. Every VLAN must be available at the device's site: global, of the same site, or in a group scoped to that site.",
        "interfaces:\n  - {name: Ethernet1, mode: access, tagged_vlans: [10, 20]}"
    }
    DuplicateAddress = "E0330" "duplicate-address" Error {
        "Two IP addresses have the same host in a VRF that enforces uniqueness.",
        "NetBox refuses a second address with the same host (whatever the masks) in a VRF whose `enforce_unique` is true (the default), and in the global table while `enforce_global_unique` is true.",
        "ip_addresses:\n  - {address: 10.0.0.1/24}\n  - {address: 10.0.0.1/32}"
    }
    DuplicatePrefix = "E0331" "duplicate-prefix" Error {
        "The same prefix is written twice in a VRF that enforces uniqueness.",
        "NetBox refuses a duplicate prefix in a VRF whose `enforce_unique` is true (the default), and in the global table while `enforce_global_unique` is true.",
        "prefixes:\n  - {prefix: 10.0.0.0/24}\n  - {prefix: 10.0.0.0/24}"
    }
    AddressOutsidePrefix = "W0332" "address-outside-prefix" Warning {
        "An IP address lies in no prefix of its VRF.",
        "Every address should belong to a documented prefix of the same VRF; an address outside all of them is usually a typo in the address or a missing prefix.",
        "prefixes: [{prefix: 10.0.0.0/24}]\nip_addresses: [{address: 10.0.1.5/24}]"
    }
    NetworkIdAddress = "E0333" "network-id-address" Error {
        "An interface address is its subnet's network or broadcast address.",
        "NetBox refuses to assign a subnet's network ID (or an IPv4 broadcast address) to an interface, except in /31 and /32 (/127 and /128 for IPv6) subnets.",
        "interfaces:\n  - {name: eth0, type: 1000base-t, ip_addresses: [10.0.0.0/24]}"
    }
    CableSubnetMismatch = "W0334" "cable-subnet-mismatch" Warning {
        "The two ends of a cable carry addresses in different subnets.",
        "When both interfaces of a cable carry addresses of one family (IPv4, or IPv6 other than link-local), a point-to-point link needs a pair of them in one subnet: 10.1.0.25/31 cabled to 10.1.0.20/31 never comes up. NetBox does not check this. Fix the address on one end.",
        "devices:\n  - {name: r1, ..., interfaces: [{name: eth0, ip_addresses: [10.1.0.25/31]}]}\n  - {name: r2, ..., interfaces: [{name: eth0, ip_addresses: [10.1.0.20/31]}]}\ncables:\n  - {a: r1:eth0, b: r2:eth0}"
    }
    AggregateOverlap = "E0350" "aggregate-overlap" Error {
        "Two aggregates overlap, or an aggregate is a /0.",
        "An aggregate is a block of address space allocated from a RIR; NetBox refuses one that covers or is covered by another aggregate, and a /0. Merge them, or record the smaller block as a prefix.",
        "aggregates:\n  - {prefix: 10.0.0.0/8, rir: rfc1918}\n  - {prefix: 10.1.0.0/16, rir: rfc1918}"
    }
    IpRangeBounds = "E0351" "ip-range-bounds" Error {
        "An IP range's start and end do not make a range.",
        "Both ends of an IP range are addresses of one family with the same mask, the end no lower than the start, and the range no larger than 2^32-1 addresses, as NetBox requires.",
        "ip_ranges:\n  - {start_address: 10.0.0.100/24, end_address: 10.0.0.50/24}"
    }
    IpRangeOverlap = "E0352" "ip-range-overlap" Error {
        "Two IP ranges of one VRF share addresses.",
        "NetBox refuses an IP range that overlaps another range in the same VRF (or both in the global table). The later range is reported, with the one it overlaps.",
        "ip_ranges:\n  - {start_address: 10.0.0.10/24, end_address: 10.0.0.50/24}\n  - {start_address: 10.0.0.40/24, end_address: 10.0.0.60/24}"
    }
    AsnRangeBounds = "E0353" "asn-range-bounds" Error {
        "An ASN range starts above where it ends.",
        "An ASN range runs from `start` to `end` inclusive; NetBox requires the start to be lower than the end.",
        "asn_ranges:\n  - {name: Private, rir: private, start: 65534, end: 64512}"
    }
    ServiceParent = "E0354" "service-parent" Error {
        "A service names no parent, or both a device and a virtual machine.",
        "A service runs on exactly one device or one virtual machine: give `device` or `virtual_machine`, not both and not neither.",
        "services:\n  - {name: ssh, protocol: tcp, ports: [22]}"
    }
    VmPlacement = "E0355" "vm-placement" Error {
        "A virtual machine is neither at a site nor in a cluster, or not at its cluster's site.",
        "NetBox requires a virtual machine to have a site, a cluster, or both; with both, a cluster scoped to a site must be at the virtual machine's site.",
        "virtual_machines:\n  - {name: vm1, role: server}"
    }
    VirtualChassisMember = "E0356" "virtual-chassis-member" Error {
        "Virtual chassis membership is inconsistent.",
        "A member's `vc_position` is unique within its virtual chassis; `vc_position` and `vc_priority` need a `virtual_chassis`; a virtual chassis' `master` must be one of its members.",
        "virtual_chassis: [{name: stack1, master: sw2}]\ndevices:\n  - {name: sw1, virtual_chassis: stack1, vc_position: 1, ...}\n  - {name: sw2, vc_position: 1, ...}"
    }
    PowerFeedVoltage = "E0357" "power-feed-voltage" Error {
        "An AC power feed has a negative voltage.",
        "NetBox allows a negative voltage only for a DC supply; an AC feed's voltage is zero or more.",
        "power_feeds:\n  - {name: F1, power_panel: lon1/PP-A, supply: ac, voltage: -48}"
    }
    RackReservationUnits = "E0358" "rack-reservation-units" Error {
        "A rack reservation names units its rack does not have, or units reserved already.",
        "A reservation's units lie within its rack (`starting_unit` to `starting_unit + u_height - 1`), and no unit of a rack is reserved twice, as NetBox requires.",
        "racks: [{name: R1, site: lon1, u_height: 42}]\nrack_reservations:\n  - {rack: lon1/R1, units: [43], user: admin, description: spare}"
    }
    WirelessLinkInterface = "E0359" "wireless-link-interface" Error {
        "A wireless link ends on an interface that is not wireless.",
        "Both ends of a wireless link are interfaces of a wireless type (IEEE 802.11, 802.15, cellular or `other-wireless`); wired interfaces take cables instead.",
        "wireless_links:\n  - {interface_a: ap1:wlan0, interface_b: sw1:Ethernet1}"
    }
    L2vpnTerminationTarget = "E0360" "l2vpn-termination-target" Error {
        "An L2VPN termination names no VLAN or interface, or both.",
        "An L2VPN terminates on exactly one object: give `vlan` or `interface`, one of them.",
        "l2vpn_terminations:\n  - {l2vpn: customer-a}"
    }
    VmConfigName = "E0361" "vm-config-name" Error {
        "A virtual machine's configuration has no file of its own.",
        "A virtual machine with a config template (its role's or platform's) renders to `build/configs/<name>.cfg`, like a device: its name must be safe as a file name, and not a device's name (in any letter case), whose configuration has that file.",
        "devices: [{name: dns1, platform: eos, ...}]\nvirtual_machines:\n  - {name: dns1, site: lon1, platform: eos}"
    }
    ContextWeightTie = "E0401" "context-weight-tie" Error {
        "Two contexts of equal weight set the same key to different values on a device.",
        "Contexts merge in order of weight, then name. With equal weights the result depends on the contexts' names, which nobody means. Give one context a higher weight, or make the values agree.",
        "config_contexts:\n  - {name: a, weight: 300, sites: [lon1], data: {ntp: [10.0.0.1]}}\n  - {name: b, weight: 300, roles: [spine], data: {ntp: [10.0.0.2]}}"
    }
    ContextLessSpecificOverride = "W0402" "context-less-specific-override" Warning {
        "A less specific context overrides a more specific one on a device.",
        "A context assigned more broadly (global, a region) wins over one assigned more narrowly (a site, a role) because its weight is higher. That is usually a weight mistake: specific data should win.",
        "config_contexts:\n  - {name: global, weight: 500, data: {ntp: [10.0.0.1]}}\n  - {name: london, weight: 300, sites: [lon1], data: {ntp: [10.1.0.1]}}"
    }
    ContextWeightBand = "E0403" "context-weight-band" Error {
        "A context's weight is outside the band of its most specific assignment kind.",
        "With `weights:` in sot.yaml, each assignment kind has a band; a context's most specific kind is, among its non-empty assignment lists that have a band, the one whose band is highest (`global` when it has none).",
        "# sot.yaml: weights: {site: [300, 399]}\nconfig_contexts:\n  - {name: london, weight: 450, sites: [lon1], data: {}}"
    }
    ContextUnused = "W0404" "context-unused" Warning {
        "A config context applies to no device.",
        "Its assignment lists match no device of the inventory (or it is inactive), so its data reaches nothing.",
        "config_contexts:\n  - {name: paris, sites: [par1], data: {ntp: [10.3.0.1]}}   # no device at par1"
    }
    ContextShadowed = "W0405" "context-shadowed" Warning {
        "Every key a config context sets is overridden on every device it applies to.",
        "Higher-weight contexts or local context data override all of this context's values wherever it applies, so it has no effect.",
        "config_contexts:\n  - {name: old-ntp, weight: 100, data: {ntp: [10.0.0.1]}}\n  - {name: ntp, weight: 200, data: {ntp: [10.0.0.2]}}"
    }
    SchemaViolation = "E0410" "schema-violation" Error {
        "Config-context data does not satisfy its JSON Schema.",
        "A context's own `data` must satisfy the schema named by its `schema:`; a context of `kind: schema` binds a schema to the merged context of every device it applies to. The finding points at the YAML that set the offending value.",
        "config_contexts:\n  - {name: bgp, schema: bgp, data: {bgp: {local_as: sixty-five}}}"
    }
    SchemaInvalid = "E0411" "schema-invalid" Error {
        "A schema file is not a usable JSON Schema.",
        "The file under schemas/ does not parse as JSON (or YAML), or is not a valid JSON Schema, or refers with `$ref` outside schemas/.",
        "{\"type\": \"objekt\"}"
    }
    CustomFieldValue = "E0420" "custom-field-value" Error {
        "A custom field's value does not fit the field's definition.",
        "Custom fields are typed (text, integer, decimal, boolean, date, datetime, url, json, select, multiselect, object) and may bound their values (minimum, maximum, regex, choices, JSON Schema).",
        "custom_fields: [{name: rack_count, type: integer, object_types: [dcim.site], validation_maximum: 10}]\nsites:\n  - {name: L, custom_fields: {rack_count: 12}}"
    }
    CustomFieldRequired = "E0421" "custom-field-required" Error {
        "An object lacks a required custom field that has no default.",
        "A custom field with `required: true` and no `default` must be set on every object of its `object_types`.",
        "custom_fields: [{name: owner, type: text, object_types: [dcim.device], required: true}]\ndevices:\n  - {name: r1, ...}   # no owner"
    }
    RuleInvalid = "E0430" "rule-invalid" Error {
        "A rule's expression or message does not compile.",
        "`where` and `assert` are Jinja expressions and `message` a Jinja template, compiled once when the inventory loads. A syntax error, or a variable that is neither the rule's object nor a known global, is reported at the rule.",
        "rules:\n  - {name: mtu, applies_to: interfaces, assert: \"interfce.mtu >= 9000\"}"
    }
    RuleFailed = "E0431" "rule-failed" Error {
        "An object breaks a team rule.",
        "The rule's `assert` is false for this object (its severity may make it a warning). The message is the rule's own.",
        "rules:\n  - {name: leaf-uplinks, applies_to: devices, where: \"device.role == 'leaf'\", assert: \"device.interfaces | selectattr('cable') | list | length >= 2\"}"
    }
    TemplateSyntax = "E0501" "template-syntax" Error {
        "A template does not compile.",
        "Every file under templates/ is compiled by `sot check`, so a syntax error fails CI with the template's file and line, not on the first device that uses it.",
        "{% for ntp in ntp_servers %}\nntp server {{ ntp }}\n{% endfo %}"
    }
    TemplateRender = "E0502" "template-render" Error {
        "Rendering a device's configuration fails.",
        "`sot check` renders every device in memory. An error raised while rendering (a bad filter argument, a failed include, a type error) is reported at the template line, naming the device.",
        "{{ device.name | ipaddr('network') }}"
    }
    TemplateUndefined = "E0503" "template-undefined" Error {
        "A template uses a value the device does not have.",
        "With `undefined: strict` (the default), a variable or attribute that is not defined fails the render instead of printing nothing. Define it (in a config context, on the device) or guard it with `is defined`.",
        "router bgp {{ bgp.local_as }}   # the device has no `bgp` in its merged context"
    }
    InvalidMacAddress = "E0620" "invalid-mac-address" Error {
        "An interface's MAC address is not one NetBox reads.",
        "NetBox 4.7 keeps a MAC address as six bytes in hex, written `00:11:22:33:44:55`, `00-11-22-33-44-55`, `0011.2233.4455`, `001122334455` (or with one-digit groups, `0:1:2:3:4:5`). Anything else is refused by NetBox when the address is pushed; `sot check` reports it at its line first.",
        "devices:\n  - name: r1\n    interfaces:\n      - {name: eth0, mac_address: \"zz:11\"}"
    }
    SecretLiteral = "W0440" "secret-literal" Warning {
        "A value that looks like a secret is written in the inventory.",
        "Keep references to secrets in the inventory, never the secrets: write `secret(\"env:NAME\")` or `secret(\"file:PATH\")` in the template (resolved only by `sot build`), or store a vault path. Keys whose words include password, secret, community, key or token (sot.yaml `secret_keys`) are checked in config contexts, local context data and custom fields; keys naming a path, reference or id are not.",
        "config_contexts:\n  - {name: snmp, data: {snmp: {community: public123}}}"
    }
}
