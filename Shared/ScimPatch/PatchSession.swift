import ScimCore
import ScimFilter

/// The mutable state of one ``PatchEngine/apply(_:to:)`` call: operations run against `root` in order, so that
/// a later operation sees what an earlier one did (several `addresses[type eq "work"].x` build one element).
struct PatchSession {
    let engine: PatchEngine
    var root: [String: JSONValue]
    var membershipChanges: [MembershipChange] = []
    /// Extension containers written or removed, whose URN may need adding to or dropping from `schemas`.
    var touchedExtensions: [String] = []

    init(engine: PatchEngine, root: [String: JSONValue]) {
        self.engine = engine
        self.root = root
    }

    mutating func apply(_ operation: PatchOperation) throws(ScimError) {
        guard let path = operation.path else {
            switch operation.kind {
            case .remove:
                throw ScimError.noTarget("A remove operation needs a path.")
            case .add, .replace:
                guard let value = operation.value else {
                    throw ScimError.invalidValue("An \(operation.kind) operation without a path needs a value.")
                }
                try applyPathless(operation.kind, value: value)
            }
            return
        }
        if let urn = wholeExtension(path, value: operation.value) {
            try applyToExtension(operation.kind, urn: urn, value: operation.value)
            return
        }
        try apply(operation.kind, path: path, value: operation.value, pathless: false)
    }

    /// The extension a path names as a whole (`path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`),
    /// which `AttributePath` reads as attribute `User` of schema `urn:…:2.0`.
    func wholeExtension(_ path: PatchPath, value: JSONValue?) -> String? {
        guard path.valueFilter == nil, path.targetSubAttribute == nil, let prefix = path.attribute.schemaURN else { return nil }
        let text = prefix + ":" + path.attribute.attribute
        guard !engine.isCoreSchema(text), isSchemaURNKey(text, value: value ?? .object([:])) else { return nil }
        return registeredSchemaID(text) ?? text
    }

    /// add merges the value's attributes into the extension, replace swaps the extension's content for them,
    /// remove drops the extension (and, when the schemas are reconciled, its URN).
    mutating func applyToExtension(_ kind: PatchOperationKind, urn: String, value: JSONValue?) throws(ScimError) {
        let existingKey = root.keys.first { $0.caseInsensitiveEquals(urn) }
        switch kind {
        case .remove:
            if let existingKey { root.removeValue(forKey: existingKey) }
        case .add, .replace:
            guard let value, case .object = value else {
                throw ScimError.invalidValue("The extension '\(urn)' must be given as an object.")
            }
            if kind == .replace, let existingKey { root.removeValue(forKey: existingKey) }
            try applyPathless(.add, value: .object([urn: value]))
        }
    }

    mutating func apply(_ kind: PatchOperationKind, path: PatchPath, value: JSONValue?, pathless: Bool) throws(ScimError) {
        if isMembersPath(path) {
            try applyMembers(kind, path: path, value: value)
            return
        }
        let target = try resolve(path, pathless: pathless)
        switch kind {
        case .remove:
            try remove(target, value: value)
        case .add, .replace:
            guard let value else {
                throw ScimError.invalidValue("The \(kind) operation on '\(target.display)' needs a value.")
            }
            if target.spec == nil {
                try writeUnregistered(kind, target, value: value)
            } else {
                try write(kind, target, value: value, pathless: pathless)
            }
        }
    }

    // MARK: - Path-less add / replace

    /// RFC 7644 §3.5.2.1/§3.5.2.3 without `path`: the value is an object of attributes. Its keys are attribute
    /// *paths* (`name.givenName`, `urn:…:User:employeeNumber`, even `emails[type eq "work"].value`, IDP-WIRE §2.1
    /// item 6), or an extension URN whose value holds that extension's attributes. `schemas` and `meta` are ignored;
    /// read-only attributes (Okta's `id`) are tolerated when they repeat the current value.
    mutating func applyPathless(_ kind: PatchOperationKind, value: JSONValue) throws(ScimError) {
        guard case .object(let members) = value else {
            throw ScimError.invalidValue("An \(kind) operation without a path needs an object value.")
        }
        // Sorted keys: deterministic, and `name` is applied before `name.givenName`.
        for key in members.keys.sorted() {
            let member = members[key] ?? .null
            let folded = key.lowercased()
            if folded == "schemas" || folded == "meta" { continue }
            if isSchemaURNKey(key, value: member) {
                if engine.isCoreSchema(key) {
                    try applyPathless(kind, value: member)
                    continue
                }
                guard case .object(let attributes) = member else {
                    throw ScimError.invalidValue("The extension '\(key)' must be given as an object.")
                }
                let urn = registeredSchemaID(key) ?? key
                if attributes.isEmpty { continue }
                for attribute in attributes.keys.sorted() where !["schemas", "meta"].contains(attribute.lowercased()) {
                    let path = try PatchPath(parsing: "\(urn):\(attribute)")
                    try apply(kind, path: path, value: attributes[attribute], pathless: true)
                }
                continue
            }
            try apply(kind, path: try PatchPath(parsing: key), value: member, pathless: true)
        }
    }

    /// Whether a path-less key names a whole schema rather than an attribute: a registered schema id, or a URN
    /// ending in the resource type's name (`urn:…:extension:custom:2.0:User`) whose value is an object.
    func isSchemaURNKey(_ key: String, value: JSONValue) -> Bool {
        guard key.lowercased().hasPrefix("urn:") else { return false }
        if registeredSchemaID(key) != nil { return true }
        guard case .object = value, let last = key.split(separator: ":").last else { return false }
        return last.lowercased() == engine.resourceType.name.lowercased()
    }

    /// The registry's spelling of a schema id, if the registry knows it.
    func registeredSchemaID(_ urn: String) -> String? {
        engine.registry.schema(id: urn)?.id
    }

    // MARK: - Resolution

    func resolve(_ path: PatchPath, pathless: Bool) throws(ScimError) -> PatchTarget {
        let attribute = path.attribute
        let subName = path.targetSubAttribute
        let display = render(path)
        let lookup = AttributePath(schemaURN: attribute.schemaURN, attribute: attribute.attribute, subAttribute: subName)

        let container: PatchTarget.Container
        let spec: AttributeSpec
        let subSpec: AttributeSpec?
        if let resolved = engine.registry.resolve(lookup, resourceType: engine.resourceType.name) {
            container = resolved.isExtension ? .extension(resolved.schema) : .core
            spec = AttributeSpec(resolved.attribute)
            subSpec = resolved.subAttribute.map(AttributeSpec.init)
            if subName != nil, subSpec == nil {
                throw ScimError.invalidPath("'\(display)' names no sub-attribute the schema defines.")
            }
        } else if let urn = attribute.schemaURN, registeredSchemaID(urn) == nil, !engine.isCoreSchema(urn) {
            // A schema nobody registered (yet): a tenant's custom extension. Keep the value as given.
            guard path.valueFilter == nil else {
                throw ScimError.invalidPath("'\(display)': value filters need a registered schema.")
            }
            return PatchTarget(
                container: .extension(urn),
                spec: nil,
                name: attribute.attribute,
                attributePath: AttributePath(schemaURN: urn, attribute: attribute.attribute, subAttribute: nil),
                filter: nil,
                subName: subName,
                subSpec: nil,
                display: display
            )
        } else {
            throw ScimError.invalidPath("'\(display)' is not an attribute of a \(engine.resourceType).")
        }

        if path.valueFilter != nil, !(spec.multiValued && spec.isComplex) {
            throw ScimError.invalidPath("'\(display)': value filters apply only to multi-valued complex attributes.")
        }
        if subName != nil, !spec.isComplex {
            throw ScimError.invalidPath("'\(display)': '\(spec.name)' has no sub-attributes.")
        }
        if !pathless {
            // A path naming a read-only attribute is always an error; path-less values are checked on commit so
            // that an unchanged echo (Okta's `id`) passes.
            if spec.mutability == .readOnly || subSpec?.mutability == .readOnly {
                throw ScimError.mutability("'\(display)' is read-only.")
            }
        }
        let schemaURN: String? =
            if case .extension(let urn) = container { urn } else { nil }
        let attributePath = AttributePath(schemaURN: schemaURN, attribute: spec.name, subAttribute: nil)
        if let filter = path.valueFilter {
            try validate(filter, elementOf: attributePath, display: display)
        }
        return PatchTarget(
            container: container,
            spec: spec,
            name: spec.name,
            attributePath: attributePath,
            filter: path.valueFilter,
            subName: subSpec?.name ?? subName,
            subSpec: subSpec,
            display: display
        )
    }

    /// A value filter must name sub-attributes of the attribute with fitting values (`FilterValidator`); one that
    /// does not is a malformed path, since it could never select anything.
    func validate(_ filter: FilterExpression, elementOf attribute: AttributePath, display: String) throws(ScimError) {
        do {
            try FilterValidator(registry: engine.registry, resourceType: engine.resourceType).validate(filter, elementOf: attribute)
        } catch {
            throw ScimError.invalidPath("Invalid value filter in '\(display)': \(error.detail)")
        }
    }

    func render(_ path: PatchPath) -> String {
        var text = path.attribute.schemaURN.map { "\($0):" } ?? ""
        text += path.attribute.attribute
        if let sub = path.attribute.subAttribute { text += ".\(sub)" }
        if path.valueFilter != nil { text += "[…]" }
        if let sub = path.subAttribute { text += ".\(sub)" }
        return text
    }

    // MARK: - Containers

    func containerObject(_ container: PatchTarget.Container) -> [String: JSONValue] {
        switch container {
        case .core: root
        case .extension(let urn): root.value(caseInsensitive: urn)?.objectValue ?? [:]
        }
    }

    mutating func setContainerObject(_ object: [String: JSONValue], for container: PatchTarget.Container) {
        switch container {
        case .core:
            root = object
        case .extension(let urn):
            root.set(caseInsensitive: urn, to: .object(object))
            if !touchedExtensions.contains(where: { $0.lowercased() == urn.lowercased() }) {
                touchedExtensions.append(urn)
            }
        }
    }

    func currentValue(of target: PatchTarget) -> JSONValue? {
        containerObject(target.container).value(caseInsensitive: target.name)
    }

    /// Stores the attribute's new value after the mutability and `required` checks. `nil` (or an empty list or
    /// object) unassigns it. Storing the value already there is a no-op, which is what lets a read-only echo pass.
    mutating func commit(_ target: PatchTarget, _ newValue: JSONValue?) throws(ScimError) {
        let newValue = newValue?.assigned
        var object = containerObject(target.container)
        let existing = object.value(caseInsensitive: target.name)?.assigned
        if existing == newValue {
            if object.key(caseInsensitive: target.name) != target.name, let existing {
                object.set(caseInsensitive: target.name, to: existing)  // respell only
                setContainerObject(object, for: target.container)
            }
            return
        }
        if let spec = target.spec {
            switch spec.mutability {
            case .readOnly:
                throw ScimError.mutability("'\(target.display)' is read-only.")
            case .immutable where existing != nil:
                throw ScimError.mutability("'\(target.display)' is immutable and already has a value.")
            default:
                break
            }
            if newValue == nil, spec.required {
                throw ScimError.invalidValue("'\(target.display)' is required and cannot be removed.")
            }
        }
        object.set(caseInsensitive: target.name, to: newValue)
        setContainerObject(object, for: target.container)
    }

    // MARK: - schemas

    /// Lists the URN of every extension that now has attributes in `schemas`, and drops the URN (and the empty
    /// container) of an extension this request emptied.
    mutating func reconcileSchemas() {
        guard !touchedExtensions.isEmpty else { return }
        var schemas = root.value(caseInsensitive: "schemas")?.arrayValue ?? []
        let original = schemas
        for urn in touchedExtensions {
            let key = root.key(caseInsensitive: urn)
            let listed = schemas.contains { $0.stringValue?.lowercased() == urn.lowercased() }
            if let key, let object = root[key]?.objectValue, !object.isEmpty {
                if !listed { schemas.append(.string(urn)) }
            } else {
                if let key { root.removeValue(forKey: key) }
                schemas.removeAll { $0.stringValue?.lowercased() == urn.lowercased() }
            }
        }
        guard schemas != original else { return }
        if original.isEmpty, root.key(caseInsensitive: "schemas") == nil, let core = engine.coreSchemaURN {
            schemas.insert(.string(core), at: 0)
        }
        root.set(caseInsensitive: "schemas", to: .array(schemas))
    }
}
