//! Writes verifier_contract/schema/*.json (see src/schema.rs).
fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema");
    std::fs::create_dir_all(&dir).expect("create schema/");
    for (name, json) in zkvct_verifier::schema::schema_files() {
        let path = dir.join(name);
        std::fs::write(&path, json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("wrote {}", path.display());
    }
}
