import Foundation
import InternalAPI
import ScimCore
import ScimFilter
import ScimPatch

/// Maps a SCIM user onto identity attributes and validates the result: mandatory attributes present, values
/// of the attribute's type, one value for a single-valued attribute.
package struct UserMapper: Sendable {
    package let attributes: [IdentityAttribute]
    package let mappings: [AttributeMapping]
    package let registry: SchemaRegistry

    /// A mapping with its attribute looked up and its path parsed once, when the mapper is built (parsing each
    /// path on every user was a visible share of the CPU an initial sync costs).
    private struct Rule: Sendable {
        var mapping: AttributeMapping
        var attribute: IdentityAttribute
        var path: PatchPath?
    }

    private let rules: [Rule]

    package init(attributes: [IdentityAttribute], mappings: [AttributeMapping], registry: SchemaRegistry = .standard) {
        self.attributes = attributes
        self.mappings = mappings
        self.registry = registry
        let byName = Dictionary(attributes.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        rules = mappings.compactMap { mapping in
            byName[mapping.attribute.lowercased()].map { Rule(mapping: mapping, attribute: $0, path: try? PatchPath(parsing: mapping.scimPath)) }
        }
    }

    package func map(_ resource: JSONValue) throws(ScimError) -> [String: JSONValue] {
        var identity: [String: JSONValue] = [:]
        var problems: [String] = []
        for rule in rules {
            let mapping = rule.mapping
            let attribute = rule.attribute
            guard let path = rule.path else {
                problems.append("the mapping of '\(attribute.name)' has an invalid SCIM path '\(mapping.scimPath)'")
                continue
            }
            let values = SourceValues(registry: registry).values(at: path, in: resource)
            // A simple attribute sent as an array for a single-valued identity attribute (no element to pick by
            // `primary`, unlike `emails.value`) is a multi-valued violation.
            if !attribute.multiValued, path.targetSubAttribute == nil, path.valueFilter == nil,
                values.filter({ !$0.value.isNull && $0.value != .string("") }).count > 1
            {
                problems.append("'\(attribute.name)' is single-valued but '\(mapping.scimPath)' holds several values")
                continue
            }
            do throws(ScimError) {
                if let value = try Self.typed(values, for: attribute, path: mapping.scimPath) {
                    identity[attribute.name] = value
                }
            } catch {
                problems.append(error.detail)
            }
        }
        let missing = attributes.filter { attribute in
            attribute.mandatory && identity[attribute.name] == nil
        }
        if !missing.isEmpty {
            let sources = Dictionary(mappings.map { ($0.attribute.lowercased(), $0.scimPath) }, uniquingKeysWith: { first, _ in first })
            let names = missing.map { attribute in
                sources[attribute.name.lowercased()].map { "\(attribute.name) (\($0))" } ?? "\(attribute.name) (not mapped)"
            }
            problems.insert("Missing mandatory attribute\(names.count == 1 ? "" : "s"): \(names.joined(separator: ", "))", at: 0)
        }
        guard problems.isEmpty else { throw ScimError.invalidValue(problems.joined(separator: "; ") + ".") }
        return identity
    }

    /// The identity value for the values found at a path: nil when there are none; for a single-valued
    /// attribute the one value (several found: the primary element's, else the first).
    package static func typed(_ found: [SourceValues.Found], for attribute: IdentityAttribute, path: String) throws(ScimError) -> JSONValue? {
        let present = found.filter { !$0.value.isNull && $0.value != .string("") }
        guard !present.isEmpty else { return nil }
        if attribute.multiValued {
            var values: [JSONValue] = []
            for item in present {
                for element in item.value.arrayValue ?? [item.value] {
                    values.append(try coerce(element, to: attribute, path: path))
                }
            }
            return .array(values)
        }
        let chosen = present.first(where: \.isPrimary) ?? present[0]
        if case .array = chosen.value {
            throw ScimError.invalidValue("'\(attribute.name)' is single-valued but '\(path)' holds several values")
        }
        return try coerce(chosen.value, to: attribute, path: path)
    }

    package static func coerce(_ value: JSONValue, to attribute: IdentityAttribute, path: String) throws(ScimError) -> JSONValue {
        let mismatch = ScimError.invalidValue("'\(path)' must be a \(attribute.type.rawValue) for '\(attribute.name)'")
        switch (attribute.type, value) {
        case (.string, .string):
            return value
        case (.string, .number(let number)):
            return .string(number.rounded() == number ? String(Int64(number)) : String(number))
        case (.string, .bool(let flag)):
            return .string(flag ? "true" : "false")
        case (.number, .number):
            return value
        case (.number, .string(let text)):
            guard let number = Double(text.trimmingSpaces()) else { throw mismatch }
            return .number(number)
        case (.boolean, .bool):
            return value
        case (.boolean, .string(let text)):
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw mismatch
            }
        case (.date, .string(let text)):
            guard let canonical = ScimDateTime.canonical(text) else { throw mismatch }
            return .string(canonical)
        default:
            throw mismatch
        }
    }
}

extension UserMapper {
    /// Maps a user as provisioned: the directory treats a user without `active` as active, so it maps that way.
    package func mapProvisioned(_ resource: JSONValue) throws(ScimError) -> [String: JSONValue] {
        guard case .object(var members) = resource else { throw ScimError.invalidSyntax("A user must be a JSON object.") }
        if resource[caseInsensitive: "active"] == nil { members["active"] = .bool(true) }
        return try map(.object(members))
    }
}
