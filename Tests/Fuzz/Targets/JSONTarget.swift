// Fuzz target "json": JSONReader (the services' request-body and stored-document parser) and JSONWriter.
// Properties checked besides "no crash":
// - read → write → read gives an equal value, and writing that again gives the same bytes;
// - reading the bytes as a String (valid UTF-8 only) accepts and refuses exactly what reading the bytes does, with
//   the same value;
// - the Codable conformance (internal messages embed resources through JSONEncoder/JSONDecoder) agrees with the
//   reader and writer: JSONEncoder's output of the value reads back equal, and JSONDecoder reads the writer's output
//   back equal.
import Foundation
import ScimCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    let fromBytes = Result { () throws(JSONReader.Failure) in try JSONReader.parse(bytes) }
    if let text = String(validating: bytes, as: UTF8.self) {
        let fromText = Result { () throws(JSONReader.Failure) in try JSONReader.parse(text) }
        switch (fromBytes, fromText) {
        case (.success(let a), .success(let b)): Fuzz.check(a == b, "bytes and String parse to different values")
        case (.failure, .failure): break
        default: Fuzz.check(false, "bytes and String disagree: \(fromBytes) vs \(fromText)")
        }
    }
    guard case .success(let value) = fromBytes else { return 0 }
    Fuzz.checkRoundTrip(value, "JSON document")

    let written = JSONWriter.data(value)
    do {
        let decoded = try JSONDecoder().decode(JSONValue.self, from: written)
        Fuzz.check(decoded == value, "JSONDecoder reads JSONWriter's output differently: \(String(decoding: written, as: UTF8.self))")
    } catch {
        Fuzz.check(false, "JSONDecoder refuses JSONWriter's output \(String(decoding: written, as: UTF8.self)): \(error)")
    }
    do {
        let encoded = try JSONEncoder().encode(value)
        let reread = try JSONReader.parse(encoded)
        Fuzz.check(reread == value, "JSONEncoder's output reads back differently: \(String(decoding: encoded, as: UTF8.self))")
    } catch {
        Fuzz.check(false, "JSONEncoder/JSONReader failed on a value the reader produced: \(error)")
    }
    return 0
}
