//! Tenancy: tenant groups and tenants.

use super::read::*;
use super::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct TenantGroup {
    pub name: Text,
    pub slug: Text,
    pub parent: Option<Ref<TenantGroup>>,
    pub description: Option<Text>,
}

pub fn lower_tenant_group(o: &mut Obj<'_, '_>) -> Option<TenantGroup> {
    let ns = name_slug(o);
    let parent = opt_ref(o, "parent");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(TenantGroup { name, slug, parent, description })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Tenant {
    pub name: Text,
    pub slug: Text,
    pub group: Option<Ref<TenantGroup>>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_tenant(o: &mut Obj<'_, '_>) -> Option<Tenant> {
    let ns = name_slug(o);
    let group = opt_ref(o, "group");
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(Tenant { name, slug, group, description, tags, custom_fields })
}
