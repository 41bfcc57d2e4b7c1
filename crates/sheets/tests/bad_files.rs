//! Files that are not a 申报表 get a typed error, before any parser sees them when the
//! container itself is the problem.

mod common;

use std::io::{Cursor, Write};

use jixiao_rules::Locale;
use jixiao_sheets::SheetError;
use jixiao_sheets::container::Limits;
use jixiao_sheets::import_target;

fn import(bytes: &[u8], limits: &Limits) -> Result<jixiao_sheets::Imported, SheetError> {
    import_target(bytes, common::profile("artux-2018"), Locale::ZhCn, limits)
}

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn random_bytes() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert!(matches!(import(&bytes, &Limits::default()), Err(SheetError::NotASpreadsheet(_))));
    assert!(matches!(import(b"", &Limits::default()), Err(SheetError::NotASpreadsheet(_))));
    assert!(matches!(import(b"{\"kind\":\"project\"}", &Limits::default()), Err(SheetError::NotASpreadsheet(_))));
}

#[test]
fn a_zip_that_is_not_xlsx() {
    let z = zip_of(&[("readme.txt", b"hello"), ("data.csv", b"a,b\n1,2\n")], zip::CompressionMethod::Deflated);
    let e = import(&z, &Limits::default()).unwrap_err();
    assert!(matches!(e, SheetError::NotASpreadsheet(_)), "{e}");
}

#[test]
fn truncated_xlsx() {
    let good = jixiao_sheets::target::export(
        common::load("targets/orphan-clothing-valid.json")["document"].as_object().unwrap(),
        common::profile("artux-2018"),
        Locale::ZhCn,
    )
    .unwrap()
    .bytes;
    // A damaged xlsx (422 unreadable-file at the route), not "not a spreadsheet" (415).
    let e = import(&good[..good.len() / 2], &Limits::default()).unwrap_err();
    assert!(matches!(e, SheetError::Corrupt(_)), "{e}");
}

#[test]
fn zip_bomb() {
    // 24 MiB of zeros deflate to about 24 KiB (about 1000:1): refused by the ratio before
    // anything is inflated.
    let zeros = vec![0u8; 24 * 1024 * 1024];
    let z = zip_of(
        &[("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", &zeros)],
        zip::CompressionMethod::Deflated,
    );
    drop(zeros);
    assert!(z.len() < 1024 * 1024, "bomb is {} bytes", z.len());
    let e = import(&z, &Limits::default()).unwrap_err();
    assert!(matches!(e, SheetError::ZipBomb(_)), "{e}");
    assert!(e.to_string().contains("compresses"), "{e}");
}

#[test]
fn lying_sizes_are_caught_while_inflating() {
    // Within the ratio but over a small unpacked limit: the inflating count stops it.
    let data = vec![b'a'; 3 * 1024 * 1024];
    let z = zip_of(&[("xl/workbook.xml", b"<workbook/>"), ("xl/big.xml", &data)], zip::CompressionMethod::Stored);
    let limits = Limits { max_unpacked: 1024 * 1024, max_file: 64 * 1024 * 1024, ..Limits::default() };
    assert!(matches!(import(&z, &limits), Err(SheetError::ZipBomb(_))));
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..600).map(|i| format!("xl/f{i}.xml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let z = zip_of(&entries, zip::CompressionMethod::Stored);
    assert!(matches!(import(&z, &Limits::default()), Err(SheetError::ZipBomb(_))));
}

#[test]
fn oversized() {
    let big = vec![b'P'; 11 * 1024 * 1024];
    assert!(matches!(import(&big, &Limits::default()), Err(SheetError::TooLarge { .. })));
}

#[test]
fn legacy_and_encrypted_ole_files() {
    // An OLE compound file header without an EncryptedPackage stream: an old .xls.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(1024, 0);
    assert!(matches!(import(&ole, &Limits::default()), Err(SheetError::LegacyFormat)));
    // An encrypted xlsx (made with msoffcrypto-tool, password "jixiao").
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/encrypted.xlsx");
    if let Ok(bytes) = std::fs::read(&path) {
        assert!(matches!(import(&bytes, &Limits::default()), Err(SheetError::Encrypted)));
    } else {
        panic!("missing {}", path.display());
    }
}

#[test]
fn a_spreadsheet_without_a_form() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write(0, 0, "购物清单").unwrap();
    let e = import(&wb.save_to_buffer().unwrap(), &Limits::default()).unwrap_err();
    assert!(matches!(e, SheetError::NoForm(_)), "{e}");
}

/// A sheet is a 申报表 only with the indicator grid's heading and a header label, and never
/// when it carries the headings of another national table: one label alone, a 执行监控表, a
/// 自评表 or the bureau's workbook are refused (422 unreadable-file at the route), not read as
/// a nonsense target.
#[test]
fn other_tables_are_not_read_as_a_target_form() {
    let sheet = |cells: &[(u32, u16, &str)]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, c, text) in cells {
            ws.write(*r, *c, *text).unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    let cases: [&[(u32, u16, &str)]; 4] = [
        // One label and its value: no indicator grid.
        &[(0, 0, "项目名称"), (0, 1, "随便")],
        // A 执行监控表: title, header labels and an indicator grid.
        &[
            (0, 0, "项目支出绩效目标执行监控表"),
            (2, 0, "项目名称"),
            (2, 1, "孤儿被装"),
            (5, 2, "三级指标"),
            (5, 7, "1-6月实际完成值"),
        ],
        // A 自评表.
        &[
            (0, 0, "项目支出绩效自评表"),
            (2, 0, "项目名称"),
            (2, 1, "孤儿被装"),
            (5, 2, "三级指标"),
            (5, 6, "实际完成值"),
        ],
        // The workbook's 运行监控 sheet: list headings.
        &[(1, 0, "项目名称"), (1, 1, "主管部门"), (1, 2, "执行率"), (1, 3, "执行灯"), (1, 4, "三级指标")],
    ];
    for cells in cases {
        let e = import(&sheet(cells), &Limits::default()).unwrap_err();
        assert!(matches!(e, SheetError::NoForm(_)), "{cells:?}: {e}");
    }
    // The smallest 申报表 the reader takes: a header label and the indicator heading.
    let ok = import(&sheet(&[(0, 0, "项目名称"), (0, 1, "孤儿被装"), (3, 2, "三级指标")]), &Limits::default());
    assert!(ok.is_ok(), "{:?}", ok.err());
}
