//! The error playbook: loading, matching, placeholder filling, evidence.
