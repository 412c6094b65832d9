//! PDFs written for the tests with `lopdf`: one with a text layer, as word processors write them,
//! and one holding only a scanned page, as scanners write them.

/// A one-page PDF showing `text` line by line in Helvetica, each line placed with `Td`, as word
/// processors write them.
pub fn text_pdf(text: &str) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 10.into()]),
        Operation::new("Td", vec![50.into(), 770.into()]),
    ];
    for line in text.lines() {
        operations.push(Operation::new("Tj", vec![Object::string_literal(latin1(line))]));
        operations.push(Operation::new("Td", vec![0.into(), (-12).into()]));
    }
    operations.push(Operation::new("ET", vec![]));
    let resources = dictionary! { "Font" => dictionary! { "F1" => font_id } };
    one_page(doc, pages_id, Content { operations }, resources)
}

/// The text in WinAnsi (Latin-1 for the letters the fixtures use).
fn latin1(line: &str) -> Vec<u8> {
    line.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
}

/// A one-page PDF holding nothing but the JPEG `image`, as a scanner writes one.
pub fn scanned_pdf(image: &[u8], width: i64, height: i64) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => width, "Height" => height,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        },
        image.to_vec(),
    ));
    let draw = Content {
        operations: vec![
            Operation::new("q", vec![]),
            Operation::new("cm", vec![612.into(), 0.into(), 0.into(), 792.into(), 0.into(), 0.into()]),
            Operation::new("Do", vec!["Im1".into()]),
            Operation::new("Q", vec![]),
        ],
    };
    let resources = dictionary! { "XObject" => dictionary! { "Im1" => image_id } };
    one_page(doc, pages_id, draw, resources)
}

/// Finishes `doc` as one Letter page drawn by `content` with `resources`, under the page tree
/// `pages_id`; its bytes.
fn one_page(
    mut doc: lopdf::Document,
    pages_id: lopdf::ObjectId,
    content: lopdf::content::Content,
    resources: lopdf::Dictionary,
) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}
