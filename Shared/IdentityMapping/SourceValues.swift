import Foundation
import ScimCore
import ScimFilter
import ScimPatch

/// Reads the values a SCIM path points at in a resource, for mapping: `name.givenName` gives one value,
/// `emails[type eq "work"].value` the values of the matching elements, `emails.value` every element's value.
package struct SourceValues: Sendable {
    package struct Found: Sendable, Hashable {
        package var value: JSONValue
        /// The value came from an element marked `primary: true`.
        package var isPrimary: Bool
    }

    package let registry: SchemaRegistry

    package init(registry: SchemaRegistry) { self.registry = registry }

    package func values(at path: PatchPath, in resource: JSONValue) -> [Found] {
        guard let top = Self.attribute(path.attribute, in: resource) else { return [] }
        let elements: [JSONValue]
        switch top {
        case .array(let array): elements = array
        default: elements = [top]
        }
        let filtered: [JSONValue]
        if let filter = path.valueFilter {
            let evaluator = FilterEvaluator(registry: registry, resourceType: .user)
            let parent = AttributePath(schemaURN: path.attribute.schemaURN, attribute: path.attribute.attribute)
            filtered = elements.filter { evaluator.matches(filter, element: $0, of: parent) }
        } else {
            filtered = elements
        }
        let subAttribute = path.targetSubAttribute
        return filtered.compactMap { element in
            let isPrimary = Self.isPrimary(element)
            guard let subAttribute else { return Found(value: element, isPrimary: isPrimary) }
            return element[caseInsensitive: subAttribute].map { Found(value: $0, isPrimary: isPrimary) }
        }
    }

    /// The top-level value of an attribute: under its extension's URN key when the path is URN-qualified
    /// (falling back to the top level for IdPs that flatten it), otherwise at the top level.
    private static func attribute(_ path: AttributePath, in resource: JSONValue) -> JSONValue? {
        if let urn = path.schemaURN, let container = resource[caseInsensitive: urn],
            let value = container[caseInsensitive: path.attribute]
        {
            return value
        }
        return resource[caseInsensitive: path.attribute]
    }

    private static func isPrimary(_ element: JSONValue) -> Bool {
        switch element[caseInsensitive: "primary"] {
        case .bool(true)?: true
        case .string(let text)?: text.lowercased() == "true"
        default: false
        }
    }
}
