import Foundation
import Hummingbird
import InternalAPI
import NIOCore
import ScimCore
import ServiceClients

/// A console form's fields (`application/x-www-form-urlencoded`), bounded before parsing: 64 KiB, 64 fields.
enum ConsoleForm {
    static let maximumBytes = 64 * 1024
    static let maximumFields = 64

    static func read(_ request: Request) async throws -> [String: String] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBytes)
        } catch {
            throw ScimError.payloadTooLarge("A console form is at most \(maximumBytes) bytes.")
        }
        let data = Data(buffer.readableBytesView)
        guard data.split(separator: UInt8(ascii: "&")).count <= maximumFields else { throw ScimError.invalidValue("The form has too many fields.") }
        do {
            return try FormBody.parse(data)
        } catch {
            throw ScimError.invalidValue("The form could not be read.")
        }
    }

    /// A required text field, trimmed, at most `maximumLength` characters.
    static func text(_ form: [String: String], _ name: String, label: String, maximumLength: Int = 200) throws -> String {
        let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw ScimError.invalidValue("\(label) is required.") }
        guard value.count <= maximumLength else { throw ScimError.invalidValue("\(label) is at most \(maximumLength) characters.") }
        return value
    }

    /// An optional text field: nil when empty.
    static func optionalText(_ form: [String: String], _ name: String, label: String, maximumLength: Int = 1000) throws -> String? {
        let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return nil }
        guard value.count <= maximumLength else { throw ScimError.invalidValue("\(label) is at most \(maximumLength) characters.") }
        return value
    }

    /// An optional whole number in `range`: nil when empty.
    static func integer(_ form: [String: String], _ name: String, label: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = try optionalText(form, name, label: label, maximumLength: 12) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ScimError.invalidValue("\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }
}
