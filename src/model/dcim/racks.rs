//! Rack roles and racks.

use super::*;
use crate::model::read::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct RackRole {
    pub name: Text,
    pub slug: Text,
    pub color: Option<Text>,
    pub description: Option<Text>,
}

pub fn lower_rack_role(o: &mut Obj<'_, '_>) -> Option<RackRole> {
    let ns = name_slug(o);
    let color = o.str("color");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(RackRole { name, slug, color, description })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Rack {
    pub name: Text,
    pub site: Ref<Site>,
    pub location: Option<Ref<Location>>,
    pub status: Option<Text>,
    pub role: Option<Ref<RackRole>>,
    pub tenant: Option<Ref<Tenant>>,
    pub u_height: Option<Spanned<i64>>,
    pub starting_unit: Option<Spanned<i64>>,
    pub desc_units: bool,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

impl Rack {
    pub const DEFAULT_U_HEIGHT: i64 = 42;
}

pub fn lower_rack(o: &mut Obj<'_, '_>) -> Option<Rack> {
    let name = o.req_str("name");
    let site = req_ref(o, "site");
    let location = opt_ref(o, "location");
    let status = o.str("status");
    let role = opt_ref(o, "role");
    let tenant = opt_ref(o, "tenant");
    let u_height = o.int("u_height", 1, 100);
    let starting_unit = o.int("starting_unit", 1, 1000);
    let desc_units = o.bool("desc_units").is_some_and(|b| b.value);
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Rack {
        name: name?,
        site: site?,
        location,
        status,
        role,
        tenant,
        u_height,
        starting_unit,
        desc_units,
        description,
        tags,
        custom_fields,
    })
}
