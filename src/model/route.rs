//! Routes: what a source calls one endpoint (a route template, a service, a backend, a router).

use std::fmt;
use std::sync::Arc;

/// Method + route identity. `method` is `None` when the source does not tell (most metrics).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteKey {
    pub method: Option<Arc<str>>,
    pub route: Arc<str>,
}

impl RouteKey {
    pub fn new(method: Option<&str>, route: &str) -> Self {
        RouteKey {
            method: method.map(Arc::from),
            route: Arc::from(route),
        }
    }

    /// The row that folds routes beyond the cardinality cap.
    pub fn other() -> Self {
        RouteKey::new(None, OTHER_ROUTE)
    }

    pub fn is_other(&self) -> bool {
        self.method.is_none() && &*self.route == OTHER_ROUTE
    }

    /// The gateway as a whole, for sources with no route identity (Caddy, nginx stub_status).
    pub fn gateway() -> Self {
        RouteKey::new(None, GATEWAY_ROUTE)
    }
}

pub const OTHER_ROUTE: &str = "(other)";
pub const GATEWAY_ROUTE: &str = "(gateway)";

impl fmt::Display for RouteKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.method {
            Some(m) => write!(f, "{m} {}", self.route),
            None => f.write_str(&self.route),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_method_when_known() {
        assert_eq!(
            RouteKey::new(Some("GET"), "/v1/orders").to_string(),
            "GET /v1/orders"
        );
        assert_eq!(RouteKey::new(None, "be_orders").to_string(), "be_orders");
        assert!(RouteKey::other().is_other());
        assert!(!RouteKey::gateway().is_other());
    }
}
