extension SchemaRegistry {
    /// The registry with the attribute at `path` marked required, and, for a sub-attribute, its parent too.
    ///
    /// A tenant's `/Schemas` tells the truth about what its SCIM endpoint refuses: when the tenant's mandatory
    /// identity attributes are mapped from `emails.value` or `name.givenName`, those attributes are required
    /// there, even though RFC 7643 leaves them optional. A path no schema knows leaves the registry unchanged.
    package func requiring(_ path: AttributePath, resourceType: String) -> SchemaRegistry {
        guard let resolved = resolve(path, resourceType: resourceType),
            let schemaIndex = schemas.firstIndex(where: { $0.id.caseInsensitiveEquals(resolved.schema) }),
            let attributeIndex = schemas[schemaIndex].attributes.firstIndex(where: { $0.name == resolved.attribute.name })
        else { return self }
        var schemas = self.schemas
        schemas[schemaIndex].attributes[attributeIndex].required = true
        if let sub = resolved.subAttribute,
            let subIndex = schemas[schemaIndex].attributes[attributeIndex].subAttributes.firstIndex(where: { $0.name == sub.name })
        {
            schemas[schemaIndex].attributes[attributeIndex].subAttributes[subIndex].required = true
        }
        return SchemaRegistry(schemas: schemas, resourceTypes: resourceTypes)
    }
}
