//! Tenancy's contacts: contact groups (nested), contact roles, contacts, and their
//! assignments to any object.

use super::read::*;
use super::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ContactGroup {
    pub name: Text,
    pub slug: Text,
    pub parent: Option<Ref<ContactGroup>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_contact_group(o: &mut Obj<'_, '_>) -> Option<ContactGroup> {
    let ns = name_slug(o);
    let parent = opt_ref(o, "parent");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(ContactGroup { name, slug, parent, description, comments, tags, custom_fields })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ContactRole {
    pub name: Text,
    pub slug: Text,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_contact_role(o: &mut Obj<'_, '_>) -> Option<ContactRole> {
    let ns = name_slug(o);
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(ContactRole { name, slug, description, comments, tags, custom_fields })
}

/// A person or team to reach about objects.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Contact {
    pub name: Text,
    pub groups: Vec<Ref<ContactGroup>>,
    pub title: Option<Text>,
    pub phone: Option<Text>,
    pub email: Option<Text>,
    pub address: Option<Text>,
    pub link: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_contact(o: &mut Obj<'_, '_>) -> Option<Contact> {
    let name = o.req_str("name");
    let groups = refs(o, "groups");
    let title = o.str("title");
    let phone = o.str("phone");
    let email = o.str("email");
    let address = o.str("address");
    let link = o.str("link");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Contact {
        name: name?,
        groups,
        title,
        phone,
        email,
        address,
        link,
        description,
        comments,
        tags,
        custom_fields,
    })
}

/// A contact assigned to an object of any kind, named by its NetBox object type and
/// natural key (`object_type: dcim.site`, `object: lon1`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContactAssignment {
    pub object_type: Text,
    pub object: Text,
    pub contact: Ref<Contact>,
    pub role: Option<Ref<ContactRole>>,
    pub priority: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    /// Whether `object` names an object of `object_type` (set by resolve).
    #[serde(skip)]
    pub found: bool,
}

pub fn lower_contact_assignment(o: &mut Obj<'_, '_>) -> Option<ContactAssignment> {
    let object_type = o.req_str("object_type");
    let object = o.req_str("object");
    let contact = req_ref(o, "contact");
    let role = opt_ref(o, "role");
    let priority = o.str("priority");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(ContactAssignment {
        object_type: object_type?,
        object: object?,
        contact: contact?,
        role,
        priority,
        tags,
        custom_fields,
        found: false,
    })
}

impl ContactAssignment {
    /// `object_type object/contact`, then `/role` when it has one.
    pub fn key(&self) -> String {
        let mut k = format!("{} {}/{}", self.object_type.value, self.object.value, self.contact.key.value);
        if let Some(r) = &self.role {
            k.push('/');
            k.push_str(&r.key.value);
        }
        k
    }
}
