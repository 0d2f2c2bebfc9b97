import Foundation
import IdentityMapping
import InternalAPI
import ScimCore
import ScimPatch

/// The rules an admin's changes to identity attributes and mappings must follow.
enum AttributeCatalog {
    /// A custom attribute from an admin's request: 400 `invalidValue` for a bad name or type, 409 `uniqueness`
    /// for a built-in's name (custom duplicates are the store's 409).
    static func newAttribute(_ request: IdentityAttributeCreateRequest) throws(ScimError) -> IdentityAttribute {
        let name = request.name.trimmingSpaces()
        guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw ScimError.invalidValue("An identity attribute needs a name of 1 to 100 printable characters.")
        }
        guard let type = IdentityAttributeType(rawValue: request.type.lowercased()) else {
            throw ScimError.invalidValue(
                "'\(request.type)' is not an identity attribute type: use one of \(IdentityAttributeType.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        if let builtIn = BuiltInAttributes.all.first(where: { $0.name.lowercased() == name.lowercased() }) {
            throw ScimError.uniqueness("'\(builtIn.name)' is a built-in identity attribute.")
        }
        let description = request.description ?? ""
        guard description.count <= 1000 else { throw ScimError.invalidValue("A description has at most 1000 characters.") }
        return IdentityAttribute(
            name: name,
            description: description,
            type: type,
            multiValued: request.multiValued ?? false,
            mandatory: request.mandatory ?? false,
            builtIn: false
        )
    }

    /// A mapping rule from an admin's request: the attribute must exist and the path must parse as a PATCH path.
    static func mapping(of attribute: IdentityAttribute, scimPath text: String) throws(ScimError) -> AttributeMapping {
        let trimmed = text.trimmingSpaces()
        let path: PatchPath
        do throws(ScimError) {
            path = try PatchPath(parsing: trimmed)
        } catch {
            throw ScimError.invalidPath("'\(text)' is not a SCIM attribute path: \(error.detail)")
        }
        if path.targetSubAttribute == nil, let resolved = SchemaRegistry.standard.resolve(path.attribute, resourceType: ScimResourceType.user.name),
            resolved.attribute.type == .complex
        {
            let name = resolved.attribute.name
            throw ScimError.invalidPath(
                "'\(trimmed)' names the complex attribute '\(name)'; map one of its sub-attributes (for example '\(name).value')."
            )
        }
        return AttributeMapping(attribute: attribute.name, scimPath: trimmed)
    }

    /// The mapped and unmapped views of an IdP's rules over the tenant's attributes.
    static func view(
        tenantID: String,
        idp: RegisteredIdentityProvider?,
        attributes: [IdentityAttribute],
        mappings: [AttributeMapping]
    ) -> AttributeMappingsView {
        let sources = Dictionary(mappings.map { ($0.attribute.lowercased(), $0.scimPath) }, uniquingKeysWith: { first, _ in first })
        var mapped: [AttributeMappingsView.Mapped] = []
        var unmapped: [IdentityAttribute] = []
        for attribute in attributes {
            if let path = sources[attribute.name.lowercased()] {
                mapped.append(.init(attribute: attribute, scimPath: path))
            } else {
                unmapped.append(attribute)
            }
        }
        return AttributeMappingsView(
            tenantID: tenantID,
            idpID: idp?.idpID ?? "",
            providerType: idp?.providerType ?? "Generic",
            customized: idp?.customized ?? false,
            mapped: mapped,
            unmapped: unmapped
        )
    }
}
