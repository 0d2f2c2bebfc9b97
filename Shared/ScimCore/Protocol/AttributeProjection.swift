/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a SCIM resource, combined with each
/// attribute's `returned` characteristic (RFC 7643 §2.2, §7).
///
/// Behaviour, with the clause each rule comes from:
/// - `returned: never` (e.g. `password`) is never in the output, whatever was asked (RFC 7643 §7 "never").
/// - `returned: always` (`id`, `schemas`) is always in the output; `excludedAttributes` "SHALL have no effect" on
///   it (RFC 7644 §3.9). `id` and `schemas` are kept even when the registry does not know the resource type.
/// - With neither list, the output is the default set: everything except `never` and `request` attributes.
/// - `attributes` "overrid[es] the set of attributes that would be returned by default" (§3.9): only the named
///   attributes (plus `always` ones) are returned, `returned: request` ones included when named.
/// - `excludedAttributes` removes names "from the default set" (§3.9).
/// - **Both lists given: `attributes` wins and `excludedAttributes` is ignored.** §3.9 defines excludedAttributes
///   relative to the default set, which `attributes` has already replaced, so there is nothing left for it to act
///   on; refusing the request would break clients for no gain.
/// - `meta` has `returned: default` (RFC 7643 §3.1: all `meta` sub-attributes are "default"), so `attributes=userName`
///   drops it and `excludedAttributes=members` keeps it. Ask for `meta` (or `meta.version`) to get it.
/// - `name.givenName` selects one sub-attribute; on a multi-valued complex attribute (`emails.value`) it applies to
///   every element. A complex value, or an element, left empty by a projection is dropped (RFC 7643 §2.5: empty and
///   unassigned are equivalent); values the projection did not touch are returned exactly as stored.
/// - URN-qualified names (`urn:…:enterprise:2.0:User:department`) select inside the extension object; an extension
///   URN on its own selects the whole extension. An unqualified name that only an extension defines (`department`)
///   resolves to that extension (RFC 7644 §3.10 lets clients omit the URN). Names match case-insensitively.
/// - Unknown names are accepted and match nothing in the schema; they still match a stored key of the same name, so
///   attributes the schema does not describe (an unregistered extension, `members[].display`) can be selected.
/// - `schemas` is returned as stored, even when a projection removes every attribute of a listed extension.
/// - A name that is not attribute notation (RFC 7644 §3.10), e.g. `emails[type eq "work"]`, is `invalidPath`.
package struct AttributeProjection: Sendable {
    private enum Mode: Sendable { case identity, include, exclude }

    /// An attribute named by a list: `container` is the lowercased extension URN, nil for top-level attributes.
    private struct Key: Hashable, Sendable {
        var container: String?
        var name: String
    }

    private struct Selection: Sendable {
        var whole = false
        var subAttributes: Set<String> = []
    }

    /// Which sub-attributes of a kept complex value survive.
    private enum SubFilter {
        /// The default set (not `never`, not `request`), plus `request` ones explicitly named.
        case defaultSet(plus: Set<String>)
        /// Only these (plus `always` ones).
        case only(Set<String>)
        /// The default set minus these.
        case except(Set<String>)
    }

    private let mode: Mode
    private let selections: [Key: Selection]
    /// Lowercased top-level keys named as a whole: extension URNs, including unregistered ones.
    private let wholeContainers: Set<String>
    private let registry: SchemaRegistry
    private let resourceType: ScimResourceType
    private let coreSchema: String?
    /// Set for the default projection (neither list given): what it may change, checked before walking the schema.
    private let defaultVisibility: DefaultVisibility?

    /// The identity: `apply` returns the resource unchanged and `includes` is always true. Use it where no client
    /// asked for a projection and the resource is not going back to a client (internal calls); for a response, build
    /// a projection from the (possibly empty) lists so `returned: never` attributes are removed.
    package static let none = AttributeProjection()

    private init() {
        mode = .identity
        selections = [:]
        wholeContainers = []
        registry = SchemaRegistry(schemas: [], resourceTypes: [])
        resourceType = .user  // unused: the identity projection reads nothing of the registry
        coreSchema = nil
        defaultVisibility = nil
    }

    /// A projection for one resource type. `attributes` wins over `excludedAttributes` when both are non-empty.
    /// A name that is not attribute notation is `invalidPath`; unknown names are allowed.
    package init(attributes: [String], excludedAttributes: [String], registry: SchemaRegistry, resourceType: ScimResourceType) throws(ScimError) {
        self.registry = registry
        self.resourceType = resourceType
        let core = registry.resourceType(id: resourceType.name)?.schema
        self.coreSchema = core
        let names = attributes.isEmpty ? excludedAttributes : attributes
        self.mode = attributes.isEmpty ? .exclude : .include
        var selections: [Key: Selection] = [:]
        var whole: Set<String> = []
        for raw in names {
            let text = raw.trimmingSpaces()
            guard !text.isEmpty else { continue }
            if let urn = registry.extensionURN(text, resourceType: resourceType.name) {
                whole.insert(urn.lowercased())
                continue
            }
            let path = try AttributePath(parsing: text)
            if path.schemaURN != nil, path.subAttribute == nil {
                // `urn:a:b:2.0:User` may be an unregistered extension rather than attribute `User` of `urn:a:b:2.0`.
                whole.insert(text.lowercased())
            }
            let key = Self.key(for: path, registry: registry, resourceType: resourceType.name, coreSchema: core)
            if let sub = path.subAttribute {
                selections[key, default: Selection()].subAttributes.insert(sub.lowercased())
            } else {
                selections[key, default: Selection()].whole = true
            }
        }
        self.selections = selections
        self.wholeContainers = whole
        self.defaultVisibility = selections.isEmpty && whole.isEmpty ? registry.defaultVisibility(of: resourceType.name) : nil
    }

    /// The projection a search asks for.
    package init(_ request: SearchRequest, registry: SchemaRegistry, resourceType: ScimResourceType) throws(ScimError) {
        try self.init(
            attributes: request.attributes,
            excludedAttributes: request.excludedAttributes,
            registry: registry,
            resourceType: resourceType
        )
    }

    /// Whether the projected resource can contain (part of) `attribute`, e.g. `includes("members")` is false under
    /// `excludedAttributes=members` or `attributes=displayName`, so storage can skip loading members. A name that is
    /// not attribute notation answers true (load it; `apply` decides).
    package func includes(_ attribute: String) -> Bool {
        guard mode != .identity else { return true }
        let text = attribute.trimmingSpaces()
        if let defaultVisibility, !text.contains("."), !text.contains(":"), !defaultVisibility.mayChange(topLevel: text) { return true }
        if let urn = registry.extensionURN(text, resourceType: resourceType.name) {
            let container = urn.lowercased()
            switch mode {
            case .identity: return true
            case .include: return wholeContainers.contains(container) || selections.keys.contains { $0.container == container }
            case .exclude: return !wholeContainers.contains(container)
            }
        }
        guard let path = try? AttributePath(parsing: text) else { return true }
        let key = Self.key(for: path, registry: registry, resourceType: resourceType.name, coreSchema: coreSchema)
        let schemaURN = key.container == nil ? coreSchema : path.schemaURN ?? registry.resolve(path.parent, resourceType: resourceType.name)?.schema
        let definition = self.definition(schemaURN: schemaURN, name: path.attribute)
        guard case .keep(let filter) = decision(for: key, definition: definition) else { return false }
        guard let sub = path.subAttribute else { return true }
        return Self.keeps(sub, definition: definition?.subAttribute(named: sub), filter: filter)
    }

    /// The resource with the projection applied. A value that is not a JSON object is returned unchanged.
    package func apply(to resource: JSONValue) -> JSONValue {
        guard mode != .identity, case .object(let members) = resource else { return resource }
        if let defaultVisibility, !Self.mayChange(members, defaultVisibility) { return resource }
        var result: [String: JSONValue] = [:]
        for (name, value) in members {
            if Self.isURN(name), case .object(let inner) = value {
                if let projected = projectExtension(urn: name, members: inner) { result[name] = projected }
            } else {
                let key = Key(container: nil, name: name.lowercased())
                if let projected = project(value, key: key, definition: definition(schemaURN: coreSchema, name: name)) {
                    result[name] = projected
                }
            }
        }
        return .object(result)
    }

    /// Whether `apply` is sure to leave a top-level member called `name` unchanged, whatever its value: true only for
    /// the default projection (neither list given) when `name` is not one it may change and not an extension it may
    /// change inside. A caller that knows this for every member can copy the resource's text as it is.
    ///
    /// One name, not a sequence of them: a generic form, called with a lazy sequence from the directory, ran
    /// unspecialized there and spent most of its time looking up generic metadata.
    package func leavesUnchanged(topLevelName name: String) -> Bool {
        guard mode != .identity else { return true }
        guard let defaultVisibility else { return false }
        return !defaultVisibility.mayChange(topLevel: name) && !(Self.isURN(name) && defaultVisibility.mayChangeAnything(inExtension: name))
    }

    /// Whether `name` starts with `urn:`, in any case.
    private static func isURN(_ name: String) -> Bool {
        var bytes = name.utf8.makeIterator()
        for expected in "urn:".utf8 {
            guard let byte = bytes.next(), byte == expected || (expected != UInt8(ascii: ":") && byte == expected - 0x20) else { return false }
        }
        return true
    }

    /// Whether the default projection could change these members (the slow path decides how).
    private static func mayChange(_ members: [String: JSONValue], _ visibility: DefaultVisibility) -> Bool {
        members.contains { name, value in
            if case .object(let inner) = value, isURN(name) {
                return visibility.mayChange(extension: name, names: inner.keys)
            }
            return visibility.mayChange(topLevel: name)
        }
    }

    // MARK: decisions

    private enum Decision {
        case drop
        case keep(SubFilter)
    }

    private func decision(for key: Key, definition: AttributeDefinition?) -> Decision {
        let returned = self.returned(key: key, definition: definition)
        if returned == .never { return .drop }
        if returned == .always { return .keep(.defaultSet(plus: [])) }
        let selection = selections[key]
        let containerWhole = key.container.map { wholeContainers.contains($0) } ?? false
        switch mode {
        case .identity:
            return .keep(.defaultSet(plus: []))
        case .include:
            if containerWhole || selection?.whole == true {
                // A whole extension or a whole attribute: its default sub-attributes plus any named ones.
                if returned == .request, !(selection?.whole ?? false) { return .drop }
                return .keep(.defaultSet(plus: selection?.subAttributes ?? []))
            }
            if let subs = selection?.subAttributes, !subs.isEmpty { return .keep(.only(subs)) }
            return .drop
        case .exclude:
            if returned == .request || containerWhole || selection?.whole == true { return .drop }
            if let subs = selection?.subAttributes, !subs.isEmpty { return .keep(.except(subs)) }
            return .keep(.defaultSet(plus: []))
        }
    }

    private func returned(key: Key, definition: AttributeDefinition?) -> Returned {
        if key.container == nil, key.name == "id" || key.name == "schemas" { return .always }
        return definition?.returned ?? .default
    }

    private static func keeps(_ sub: String, definition: AttributeDefinition?, filter: SubFilter) -> Bool {
        let returned = definition?.returned ?? .default
        if returned == .never { return false }
        if returned == .always { return true }
        let name = sub.lowercased()
        switch filter {
        case .defaultSet(let plus): return returned != .request || plus.contains(name)
        case .only(let names): return names.contains(name)
        case .except(let names): return returned != .request && !names.contains(name)
        }
    }

    // MARK: projecting values

    private func projectExtension(urn: String, members: [String: JSONValue]) -> JSONValue? {
        let container = urn.lowercased()
        var result: [String: JSONValue] = [:]
        for (name, value) in members {
            let key = Key(container: container, name: name.lowercased())
            if let projected = project(value, key: key, definition: definition(schemaURN: urn, name: name)) {
                result[name] = projected
            }
        }
        return result.isEmpty && !members.isEmpty ? nil : .object(result)
    }

    private func project(_ value: JSONValue, key: Key, definition: AttributeDefinition?) -> JSONValue? {
        guard case .keep(let filter) = decision(for: key, definition: definition) else { return nil }
        return Self.filterSubAttributes(value, definition: definition, filter: filter)
    }

    /// Applies `filter` to a complex value or to each object element of a multi-valued one. Anything else is kept.
    private static func filterSubAttributes(_ value: JSONValue, definition: AttributeDefinition?, filter: SubFilter) -> JSONValue? {
        switch value {
        case .object(let members):
            let kept = members.filter { keeps($0.key, definition: definition?.subAttribute(named: $0.key), filter: filter) }
            if kept.count == members.count { return value }
            return kept.isEmpty ? nil : .object(kept)
        case .array(let elements):
            let kept = elements.compactMap { element -> JSONValue? in
                guard case .object = element else { return element }
                return filterSubAttributes(element, definition: definition, filter: filter)
            }
            return kept.isEmpty && !elements.isEmpty ? nil : .array(kept)
        default:
            return value
        }
    }

    // MARK: schema lookups

    /// The definition of attribute `name` in schema `schemaURN` (common attributes count as core), if registered.
    private func definition(schemaURN: String?, name: String) -> AttributeDefinition? {
        guard let schemaURN else { return nil }
        return registry.resolve(AttributePath(schemaURN: schemaURN, attribute: name), resourceType: resourceType.name)?.attribute
    }

    /// Where a named attribute lives: top level (core and common attributes) or inside an extension object.
    private static func key(for path: AttributePath, registry: SchemaRegistry, resourceType: String, coreSchema: String?) -> Key {
        let name = path.attribute.lowercased()
        if let urn = path.schemaURN {
            if let coreSchema, urn.caseInsensitiveEquals(coreSchema) { return Key(container: nil, name: name) }
            return Key(container: urn.lowercased(), name: name)
        }
        if let resolved = registry.resolve(path.parent, resourceType: resourceType), resolved.isExtension {
            return Key(container: resolved.schema.lowercased(), name: name)
        }
        return Key(container: nil, name: name)
    }
}
