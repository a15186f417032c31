//! The serde side of the JSON reader ([`super::read`]): `Deserializer` for the parser, and the
//! accessors of arrays, objects, keys and enum variants. Each hands a visitor's own error (a
//! missing field, an unknown variant) the position of the value it was given.

use serde::de::{self, DeserializeSeed, Visitor};

use super::read::{Error, Parser, Result};
use crate::error::JsonProblem;

macro_rules! integers {
    ($($method:ident $visit:ident $ty:ty, $parse:ident;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let start = self.value_start();
            let value: $ty = self.$parse()?;
            Parser::placed(start, visitor.$visit(value))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Parser<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        match self.next_token()? {
            b'n' => {
                self.word(b"null")?;
                Parser::placed(start, visitor.visit_unit())
            }
            b't' | b'f' => self.deserialize_bool(visitor),
            b'"' => self.visit_text(visitor, false),
            b'[' => self.deserialize_seq(visitor),
            b'{' => self.deserialize_map(visitor),
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                let (token, integer) = self.number()?;
                self.at = start;
                if integer && token.first() == Some(&b'-') {
                    let value: i64 = self.signed()?;
                    Parser::placed(start, visitor.visit_i64(value))
                } else if integer {
                    let value: u64 = self.unsigned()?;
                    Parser::placed(start, visitor.visit_u64(value))
                } else {
                    let value = self.float()?;
                    Parser::placed(start, visitor.visit_f64(value))
                }
            }
            _ => Err(self.error(JsonProblem::SYNTAX)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        let value = match self.next_token()? {
            b't' => {
                self.word(b"true")?;
                true
            }
            b'f' => {
                self.word(b"false")?;
                false
            }
            _ => return Err(self.error(JsonProblem::WRONG_TYPE)),
        };
        Parser::placed(start, visitor.visit_bool(value))
    }

    integers! {
        deserialize_u8 visit_u8 u8, unsigned;
        deserialize_u16 visit_u16 u16, unsigned;
        deserialize_u32 visit_u32 u32, unsigned;
        deserialize_u64 visit_u64 u64, unsigned;
        deserialize_u128 visit_u128 u128, unsigned;
        deserialize_i8 visit_i8 i8, signed;
        deserialize_i16 visit_i16 i16, signed;
        deserialize_i32 visit_i32 i32, signed;
        deserialize_i64 visit_i64 i64, signed;
        deserialize_i128 visit_i128 i128, signed;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        let value = self.float()?;
        Parser::placed(start, visitor.visit_f32(value as f32))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        let value = self.float()?;
        Parser::placed(start, visitor.visit_f64(value))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next_token()? {
            b'"' => self.visit_text(visitor, true),
            _ => self.deserialize_seq(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        if self.next_token()? == b'n' {
            self.word(b"null")?;
            Parser::placed(start, visitor.visit_none())
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        if self.next_token()? != b'n' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.word(b"null")?;
        Parser::placed(start, visitor.visit_unit())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        if self.next_token()? != b'[' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.at += 1;
        self.deeper()?;
        let value =
            Parser::placed(start, visitor.visit_seq(Elements { parser: self, first: true }));
        self.depth -= 1;
        let value = value?;
        self.close(b']')?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.next_token()? != b'{' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.at += 1;
        self.deeper()?;
        let result = visitor.visit_map(Entries { parser: &mut *self, first: true });
        self.depth -= 1;
        // A visitor's own error (a missing field) is placed where it stopped reading: the
        // closing brace, or the entry it refused.
        let at = self.at;
        let value = Parser::placed(at, result)?;
        self.close(b'}')?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // A struct is an object, as in serde-json-core. serde_json also takes an array of the
        // fields in order, which nobody writes by hand and would link serde's sequence visitor
        // for every struct.
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let start = self.value_start();
        match self.next_token()? {
            // A unit variant, by its name.
            b'"' => Parser::placed(start, visitor.visit_enum(UnitVariant { parser: self })),
            // `{"Variant": value}`.
            b'{' => {
                self.at += 1;
                self.deeper()?;
                let value = Parser::placed(start, visitor.visit_enum(Variant { parser: self }));
                self.depth -= 1;
                let value = value?;
                self.close(b'}')?;
                Ok(value)
            }
            _ => Err(self.error(JsonProblem::WRONG_TYPE)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }
}

/// The elements of an array.
struct Elements<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.parser.next_item(b']', self.first)? {
            return Ok(None);
        }
        self.first = false;
        seed.deserialize(&mut *self.parser).map(Some)
    }
}

/// The entries of an object.
struct Entries<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Entries<'_, 'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.parser.next_item(b'}', self.first)? {
            return Ok(None);
        }
        self.first = false;
        if self.parser.next_token()? != b'"' {
            return Err(self.parser.error(JsonProblem::SYNTAX));
        }
        seed.deserialize(Key { parser: &mut *self.parser }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.parser.expect(b':')?;
        seed.deserialize(&mut *self.parser)
    }
}

/// An object's key: a string, whatever the key's type asks (a number key is quoted in JSON).
struct Key<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
}

impl<'de> de::Deserializer<'de> for Key<'_, 'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.parser.visit_text(visitor, false)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// A unit variant named by a string.
struct UnitVariant<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
}

impl<'de> de::EnumAccess<'de> for UnitVariant<'_, 'de, '_> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.parser)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_, 'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
        Err(self.parser.error(JsonProblem::WRONG_TYPE))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(self.parser.error(JsonProblem::WRONG_TYPE))
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(self.parser.error(JsonProblem::WRONG_TYPE))
    }
}

/// A variant in an object of one entry: `{"Variant": value}`.
struct Variant<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de, '_> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.parser)?;
        self.parser.expect(b':')?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(&mut *self.parser)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(&mut *self.parser)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(&mut *self.parser, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(&mut *self.parser, visitor)
    }
}
