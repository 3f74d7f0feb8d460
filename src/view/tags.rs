//! Tags as template values: each works as its name (`tag.startswith('ospf_')`,
//! `tag.split('=')`, `{{ tag }}`) and as an object (`tag.name`, `tag.slug`);
//! a list of them answers `'pub' in interface.tags` by name or slug.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use minijinja::{Error, State};

#[derive(Debug)]
pub struct TagValue {
    pub name: String,
    pub slug: String,
    pub color: Option<String>,
    pub description: Option<String>,
}

impl Object for TagValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Templates read attributes by name: answered without making the name a value.
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        Some(match key {
            "name" => Value::from(self.name.clone()),
            "slug" => Value::from(self.slug.clone()),
            "color" => Value::from(self.color.clone()),
            "description" => Value::from(self.description.clone()),
            _ => return None,
        })
    }

    fn call_method(self: &Arc<Self>, state: &mut State<'_, '_>, method: &str, args: &[Value]) -> Result<Value, Error> {
        Value::from(self.name.clone()).call_method(state, method, args)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// An object's tags. Iterating yields the tags; `x in tags` tests names and slugs.
#[derive(Debug)]
pub struct TagList(pub Vec<Value>);

impl TagList {
    fn find(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|t| t.downcast_object_ref::<TagValue>().is_some_and(|t| t.name == key || t.slug == key))
    }
}

impl Object for TagList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        // A map, so that `in` looks tags up by name; its "keys" are the tags themselves.
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if let Some(i) = key.as_i64() {
            let i = if i < 0 { self.0.len() as i64 + i } else { i };
            return usize::try_from(i).ok().and_then(|i| self.0.get(i).cloned());
        }
        if let Some(t) = key.downcast_object_ref::<TagValue>() {
            return self.find(&t.name).cloned();
        }
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.find(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.0.is_empty()
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "[{}]", names.join(", "))
    }
}
