//! Tags as template values: each works as its name (`tag.startswith('ospf_')`,
//! `tag.split('=')`, `{{ tag }}`) and as an object (`tag.name`, `tag.slug`);
//! a list of them answers `'pub' in interface.tags` by name or slug, and is a
//! related manager as in NetBox (`interface.tags.all()`, `.names()`, `.slugs()`,
//! `.filter(name='pub').exists()`...).

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
    pub fn value(tags: Vec<Value>) -> Value {
        Value::from_object(TagList(tags))
    }

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
        if key.as_i64().is_some() {
            return super::related::index(&self.0, key);
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

    fn call_method(self: &Arc<Self>, _state: &mut State<'_, '_>, method: &str, args: &[Value]) -> Result<Value, Error> {
        let field = |f: fn(&TagValue) -> &String| -> Result<Value, Error> {
            let () = minijinja::value::from_args(args)?;
            Ok(self
                .0
                .iter()
                .filter_map(|t| t.downcast_object_ref::<TagValue>())
                .map(|t| Value::from(f(t).as_str()))
                .collect())
        };
        match method {
            "names" => field(|t| &t.name),
            "slugs" => field(|t| &t.slug),
            _ => super::related::manager_method(&self.0, method, args, TagList::value).unwrap_or_else(|| {
                Err(Error::new(minijinja::ErrorKind::UnknownMethod, format!("tags have no method `{method}`")))
            }),
        }
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "[{}]", names.join(", "))
    }
}
