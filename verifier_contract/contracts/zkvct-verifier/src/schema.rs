//! The JSON schema (cosmwasm-schema) of both contracts' messages: the one machine-readable
//! definition of roles and messages that clients (zkvct/chain/messages.py) are tested against.
//! Committed under verifier_contract/schema/; `cargo run -p zkvct-verifier --bin schema`
//! rewrites it, and a test fails while the committed files are stale.
use cosmwasm_schema::generate_api;

/// Files under verifier_contract/schema/ and their contents.
pub fn schema_files() -> Vec<(&'static str, String)> {
    let verifier = generate_api! {
        name: "zkvct-verifier",
        instantiate: crate::msg::InstantiateMsg,
        execute: crate::msg::ExecuteMsg,
        query: crate::msg::QueryMsg,
    };
    let registry = generate_api! {
        name: "cw1056",
        instantiate: cw1056::msg::InstantiateMsg,
        execute: cw1056::msg::ExecuteMsg,
        query: cw1056::msg::QueryMsg,
    };
    vec![
        ("zkvct-verifier.json", verifier.render().to_string().expect("schema renders") + "\n"),
        ("cw1056.json", registry.render().to_string().expect("schema renders") + "\n"),
    ]
}
