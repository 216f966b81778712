//! Rebuild when embedded templates or assets change: `include_dir!` is not
//! tracked by cargo, and a stale embedded library would build an old pack.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=assets");
    println!("cargo:rerun-if-changed=profiles/riverbend-clinic.yaml");
}
