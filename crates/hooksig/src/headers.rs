//! Request headers, in whatever shape the caller holds them.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// Request headers as (name, value) byte pairs, visited in order.
///
/// Names are matched case-insensitively by the verifier, so an implementation
/// hands them on exactly as it holds them. It is implemented for slices, arrays
/// and vectors of pairs, `HashMap`, `BTreeMap`, and `http::HeaderMap` (feature
/// `http`), with names and values of any type that is `AsRef<[u8]>`.
///
/// ```
/// use hooksig::Headers;
///
/// let headers = [("X-Hub-Signature-256", "sha256=00")];
/// let mut names = Vec::new();
/// headers.visit(&mut |name, _value| names.push(name.to_vec()));
/// assert_eq!(names, [b"X-Hub-Signature-256".to_vec()]);
/// ```
pub trait Headers {
    /// Calls `visit` with each header's name and value; a repeated header is visited once per value.
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8]));
}

impl<T: Headers + ?Sized> Headers for &T {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        (**self).visit(visit);
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> Headers for [(N, V)] {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        for (name, value) in self {
            visit(name.as_ref(), value.as_ref());
        }
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>, const K: usize> Headers for [(N, V); K] {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        self[..].visit(visit);
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> Headers for Vec<(N, V)> {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        self[..].visit(visit);
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>, S: BuildHasher> Headers for HashMap<N, V, S> {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        for (name, value) in self {
            visit(name.as_ref(), value.as_ref());
        }
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> Headers for BTreeMap<N, V> {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        for (name, value) in self {
            visit(name.as_ref(), value.as_ref());
        }
    }
}

#[cfg(feature = "http")]
impl Headers for http::HeaderMap {
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(&'a [u8], &'a [u8])) {
        for (name, value) in self {
            visit(name.as_str().as_bytes(), value.as_bytes());
        }
    }
}
