//! Internal macros shared by the value-set enums.

/// Defines a `#[non_exhaustive]` enum mirroring a set of server strings, ending in
/// `Other(String)` so that every value the server sends round-trips unchanged.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $wire:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version does not know, kept as the server sent it.
            Other(String),
        }

        impl $name {
            /// Every value this version knows, in the server's spelling.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value as the server spells it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(other) => other.as_str(),
                }
            }

            /// Whether this is a value the crate does not know.
            #[must_use]
            pub fn is_other(&self) -> bool {
                matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Other(value),
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Other(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

pub(crate) use string_enum;

/// Implements `Deserialize` for a payload struct with named fields and a flattened
/// `extra: Map<String, Value>`, in one pass over the map.
///
/// serde's `#[serde(flatten)]` buffers the whole object and then searches it once per field;
/// for the message object (dozens of keys, megabytes of base64 in `body`) that costs more than
/// parsing into a `Value`. This visitor routes each key as it comes: a known key straight into its
/// field, any other into `extra`. `required` fields fail with serde's `missing_field` error;
/// `optional` fields are `Option<T>` (absent or `null` give `None`).
macro_rules! wire_deserialize {
    (
        $name:ident {
            required: [$($req:ident => $req_wire:literal),* $(,)?],
            optional: [$($opt:ident => $opt_wire:literal),* $(,)?] $(,)?
        }
    ) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct FieldVisitor;

                impl<'de> serde::de::Visitor<'de> for FieldVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $(let mut $req = None;)*
                        $(let mut $opt = None;)*
                        let mut extra = serde_json::Map::new();
                        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                            match key.as_ref() {
                                $($req_wire => $req = Some(map.next_value()?),)*
                                $($opt_wire => $opt = map.next_value()?,)*
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($name {
                            $($req: $req.ok_or_else(|| serde::de::Error::missing_field($req_wire))?,)*
                            $($opt,)*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(FieldVisitor)
            }
        }
    };
}

pub(crate) use wire_deserialize;
