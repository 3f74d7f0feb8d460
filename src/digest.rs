//! Digests of serialisable values, without building their JSON.
//!
//! [`digest`] feeds a value's serde data model into a SipHash keyed at random once per
//! process, so two values serialising differently get different digests (but for a
//! chance of 2^-64 per pair that nobody can aim at: the key is secret), and values
//! serialising alike get the same digest within the process. Both sides of a diff are
//! digested in one process, so their digests compare. `sot diff` digests objects and render
//! inputs with it; the template set digests what a template can load.
//!
//! The encoding is self-delimiting: every value starts with a tag, strings carry their
//! length, containers end with an end tag. A struct's field names are written as the
//! address and length of their `&'static str` (the same field of the same type gives
//! the same address within a process; different names cannot share both).

use std::collections::hash_map::{DefaultHasher, RandomState};
use std::hash::{BuildHasher, Hasher};

use std::sync::OnceLock;

use serde::ser::{self, Serialize};

/// A hasher keyed for this process.
pub fn hasher() -> DefaultHasher {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    KEY.get_or_init(RandomState::new).build_hasher()
}

/// The digest of `x`'s serialisation.
pub fn digest<T: Serialize + ?Sized>(x: &T) -> u64 {
    let mut h = hasher();
    feed(&mut h, x);
    h.finish()
}

/// Feed `x`'s serialisation into `h`.
///
/// The encoding is written to a buffer (one per thread, reused) and hashed in one call:
/// many small writes into SipHash cost several times more.
pub fn feed<T: Serialize + ?Sized>(h: &mut DefaultHasher, x: &T) {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut encode = |buf: &mut Vec<u8>| {
        buf.clear();
        // The encoder never fails; a value's own `Serialize` that fails still wrote a
        // prefix, and the error tag keeps it apart from a complete value.
        if x.serialize(Feed(buf)).is_err() {
            buf.push(ERROR);
        }
        h.write(buf);
    };
    BUF.with(|b| match b.try_borrow_mut() {
        Ok(mut buf) => encode(&mut buf),
        // A `Serialize` that digests something itself: a buffer of its own.
        Err(_) => encode(&mut Vec::new()),
    });
}

const BOOL: u8 = 1;
const INT: u8 = 2;
const UINT: u8 = 3;
const FLOAT: u8 = 4;
const CHAR: u8 = 5;
const STR: u8 = 6;
const BYTES: u8 = 7;
const NONE: u8 = 8;
const SOME: u8 = 9;
const UNIT: u8 = 10;
const VARIANT: u8 = 11;
const SEQ: u8 = 12;
const MAP: u8 = 13;
const STRUCT: u8 = 14;
const END: u8 = 15;
const ERROR: u8 = 16;

/// Any error a `Serialize` implementation raises through [`ser::Error::custom`].
#[derive(Debug)]
pub struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("serialisation failed")
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Failed
    }
}

/// A serde serializer writing the encoding into a buffer.
pub struct Feed<'h>(pub &'h mut Vec<u8>);

impl Feed<'_> {
    fn write_u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.0.push(STR);
        self.write_u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A field name: its address and length in one word (addresses fit in 48 bits).
    fn name(&mut self, s: &'static str) {
        self.write_u64(((s.as_ptr() as u64) << 16) ^ s.len() as u64);
    }
}

type R = Result<(), Failed>;

impl<'h> ser::Serializer for Feed<'h> {
    type Ok = ();
    type Error = Failed;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> R {
        self.0.push(BOOL);
        self.0.push(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R {
        self.0.push(INT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> R {
        self.0.push(INT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R {
        self.0.push(UINT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        self.0.push(UINT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        self.0.push(FLOAT);
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.0.push(CHAR);
        self.0.extend_from_slice(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(mut self, v: &str) -> R {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.0.push(BYTES);
        self.0.extend_from_slice(&(v.len() as u64).to_le_bytes());
        self.0.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.0.push(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R {
        self.0.push(SOME);
        v.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.0.push(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(mut self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R {
        self.0.push(VARIANT);
        self.str(variant);
        v.serialize(Feed(self.0))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Failed> {
        self.0.push(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Failed> {
        self.0.push(VARIANT);
        self.str(variant);
        self.0.push(SEQ);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Failed> {
        self.0.push(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Failed> {
        self.0.push(STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Failed> {
        self.0.push(VARIANT);
        self.str(variant);
        self.0.push(STRUCT);
        Ok(self)
    }
}

impl ser::SerializeSeq for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeTuple for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeMap for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> R {
        k.serialize(Feed(self.0))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeStruct for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        self.name(key);
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        self.name(key);
        v.serialize(Feed(self.0))
    }
    fn end(self) -> R {
        self.0.push(END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct A {
        x: Option<String>,
        y: Vec<i64>,
    }

    #[test]
    fn equal_values_have_equal_digests_and_different_ones_do_not() {
        let a = A { x: Some("ab".into()), y: vec![1, 2] };
        assert_eq!(digest(&a), digest(&A { x: Some("ab".into()), y: vec![1, 2] }));
        // Moving a boundary between fields, elements or strings changes the digest.
        assert_ne!(digest(&a), digest(&A { x: Some("a".into()), y: vec![1, 2] }));
        assert_ne!(digest(&a), digest(&A { x: None, y: vec![1, 2] }));
        assert_ne!(digest(&a), digest(&A { x: Some("ab".into()), y: vec![1] }));
        assert_ne!(digest(&a), digest(&A { x: Some("ab".into()), y: vec![2, 1] }));
        assert_ne!(digest(&("ab", "c")), digest(&("a", "bc")));
        assert_ne!(digest(&vec![vec![1], vec![]]), digest(&vec![vec![], vec![1]]));
        let j = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_ne!(digest(&j(r#"{"a": 1, "b": 2}"#)), digest(&j(r#"{"b": 2, "a": 1}"#)), "key order counts");
        assert_ne!(digest(&j("1")), digest(&j("1.0")));
    }
}
