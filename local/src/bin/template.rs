//! `make template`: writes template.yaml and stacks/<domain>.yaml from the
//! route table (`local::template`).
fn main() -> std::io::Result<()> {
    std::fs::create_dir_all("stacks")?;
    for (path, text) in local::template::render() {
        std::fs::write(&path, text)?;
    }
    Ok(())
}
