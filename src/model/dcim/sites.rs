//! Regions, site groups, sites and locations.

use super::*;
use crate::model::read::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Region {
    pub name: Text,
    pub slug: Text,
    pub parent: Option<Ref<Region>>,
    pub description: Option<Text>,
}

pub fn lower_region(o: &mut Obj<'_, '_>) -> Option<Region> {
    let ns = name_slug(o);
    let parent = opt_ref(o, "parent");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(Region { name, slug, parent, description })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteGroup {
    pub name: Text,
    pub slug: Text,
    pub parent: Option<Ref<SiteGroup>>,
    pub description: Option<Text>,
}

pub fn lower_site_group(o: &mut Obj<'_, '_>) -> Option<SiteGroup> {
    let ns = name_slug(o);
    let parent = opt_ref(o, "parent");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(SiteGroup { name, slug, parent, description })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Site {
    pub name: Text,
    pub slug: Text,
    pub status: Option<Text>,
    pub region: Option<Ref<Region>>,
    pub group: Option<Ref<SiteGroup>>,
    pub tenant: Option<Ref<Tenant>>,
    pub facility: Option<Text>,
    pub time_zone: Option<Text>,
    pub description: Option<Text>,
    pub asns: Vec<Spanned<i64>>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_site(o: &mut Obj<'_, '_>) -> Option<Site> {
    let ns = name_slug(o);
    let status = o.str("status");
    let region = opt_ref(o, "region");
    let group = opt_ref(o, "group");
    let tenant = opt_ref(o, "tenant");
    let facility = o.str("facility");
    let time_zone = o.str("time_zone");
    let description = o.str("description");
    let asns = decode::each(o.list("asns"), |n| decode::read_int(n, "asns", 1, i64::from(u32::MAX), o.diags));
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(Site {
        name,
        slug,
        status,
        region,
        group,
        tenant,
        facility,
        time_zone,
        description,
        asns,
        tags,
        custom_fields,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Location {
    pub name: Text,
    pub slug: Text,
    pub site: Ref<Site>,
    pub parent: Option<Ref<Location>>,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
}

pub fn lower_location(o: &mut Obj<'_, '_>) -> Option<Location> {
    let ns = name_slug(o);
    let site = req_ref(o, "site");
    let parent = opt_ref(o, "parent");
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let description = o.str("description");
    let tags = tags(o);
    let (name, slug) = ns?;
    Some(Location { name, slug, site: site?, parent, status, tenant, description, tags })
}
