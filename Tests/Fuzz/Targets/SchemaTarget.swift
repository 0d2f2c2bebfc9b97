// Fuzz target "schema": a resource body (JSON bytes, as in POST/PUT /Users and /Groups) → JSONReader →
// ResourceValidator (type validation against the schema registry: core User with the enterprise extension and a
// tenant extension of every attribute type, and Group), on the document as sent and on the sample resource with the
// document's members laid over it (so most attributes are valid and the fuzzed ones are checked in context). A
// resource the validator accepts is then canonicalized and rendered (ResourceRenderer, default projection), as the
// directory stores and returns it. Properties checked besides "no crash":
// - every refusal is a 400 ScimError;
// - canonicalizing (schema spelling of keys) never turns a valid resource into an invalid one;
// - the rendered resource survives a JSONWriter → JSONReader round trip unchanged.
import Foundation
import ScimCore

private let types: [(resourceType: ScimResourceType, registry: SchemaRegistry, sample: JSONValue)] = [
    (.user, Fuzz.tenant, Fuzz.user), (.group, Fuzz.standard, Fuzz.group),
]
private let renderer = "https://scim.example.com/scim/v2/acme/entra"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let document = try? JSONReader.parse(Fuzz.bytes(start, count)) else { return 0 }
    for (resourceType, registry, sample) in types {
        let validator = ResourceValidator(registry: registry, resourceType: resourceType)
        check(document, validator, registry, resourceType)
        if case .object(let fields) = document, case .object(var merged) = sample {
            for (key, value) in fields { merged[key] = value }
            check(.object(merged), validator, registry, resourceType)
        }
    }
    return 0
}

private func check(_ resource: JSONValue, _ validator: ResourceValidator, _ registry: SchemaRegistry, _ resourceType: ScimResourceType) {
    let type = resourceType.name
    do {
        try validator.validate(resource)
    } catch {
        Fuzz.check(error.status == 400, "\(type) validation failed with \(error.status): \(error.detail)")
        return
    }
    let canonical = registry.canonicalize(resource, resourceType: type)
    do {
        try validator.validate(canonical)
    } catch {
        Fuzz.check(false, "\(type): valid, but invalid once canonicalized (\(error.detail)): \(resource.encodedString())")
    }
    let projection: AttributeProjection
    do {
        projection = try AttributeProjection(attributes: [], excludedAttributes: [], registry: registry, resourceType: resourceType)
    } catch {
        Fuzz.check(false, "the default projection failed: \(error.detail)")
        return
    }
    let id = canonical.objectValue?["id"]?.stringValue ?? "fuzz"
    let rendered = ResourceRenderer(baseURL: renderer, projection: projection).render(canonical, resourceType: resourceType, id: id)
    Fuzz.checkRoundTrip(rendered, "rendered \(type)")
}
