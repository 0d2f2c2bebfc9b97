/// The schemas of RFC 7643 §8.7.1 (User, Group, EnterpriseUser) and the common attributes of RFC 7643 §3.1.
///
/// Characteristics are those of the RFC's schema representation, with two documented corrections:
/// - `addresses.primary` is added: RFC 7643 §2.4 gives every multi-valued attribute a `primary` sub-attribute and the
///   full user example (§8.2) sends it, but the §8.7.1 listing of `addresses` omits it.
/// - `x509Certificates.value` (binary) is `caseExact: true`, as §2.3.6 says binary is case exact (erratum 6000).
/// Group `members` keeps exactly `value`, `$ref`, `type`: Entra's validator rejects schemas exposing sub-attributes it
/// does not know, so we expose nothing beyond the RFC. Unknown keys such as `members[].display` still survive storage.
package enum StandardSchemas {
    package static let user = SchemaDefinition(
        id: ScimSchemaURN.user,
        name: ScimResourceType.user.name,
        description: "User Account",
        attributes: [
            string(
                "userName",
                required: true,
                uniqueness: .server,
                "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value.  This identifier MUST be unique across the service provider's entire set of Users. REQUIRED."
            ),
            complex(
                "name",
                "The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both.  If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined.",
                [
                    string(
                        "formatted",
                        "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."
                    ),
                    string(
                        "familyName",
                        "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."
                    ),
                    string(
                        "givenName",
                        "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."
                    ),
                    string("middleName", "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
                    string(
                        "honorificPrefix",
                        "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."
                    ),
                    string(
                        "honorificSuffix",
                        "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')."
                    ),
                ]
            ),
            string(
                "displayName",
                "The name of the User, suitable for display to end-users.  The name SHOULD be the full name of the User being described, if known."
            ),
            string(
                "nickName",
                "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'.  This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge')."
            ),
            reference("profileUrl", ["external"], "A fully qualified URL pointing to a page representing the User's online profile."),
            string("title", "The user's title, such as \"Vice President.\""),
            string(
                "userType",
                "Used to identify the relationship between the organization and the user.  Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."
            ),
            string(
                "preferredLanguage",
                "Indicates the User's preferred written or spoken language.  Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."
            ),
            string(
                "locale",
                "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."
            ),
            string("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
            boolean("active", "A Boolean value indicating the User's administrative status."),
            string(
                "password",
                mutability: .writeOnly,
                returned: .never,
                "The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password."
            ),
            multi(
                "emails",
                "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.",
                value: string(
                    "value",
                    "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'."
                ),
                types: ["work", "home", "other"],
                typeDescription: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address.  The primary attribute value 'true' MUST appear no more than once."
            ),
            multi(
                "phoneNumbers",
                "Phone numbers for the User.  The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
                value: string("value", "Phone number of the User."),
                types: ["work", "home", "mobile", "fax", "pager", "other"],
                typeDescription: "A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred phone number or primary phone number.  The primary attribute value 'true' MUST appear no more than once."
            ),
            multi(
                "ims",
                "Instant messaging addresses for the User.",
                value: string("value", "Instant messaging address for the User."),
                types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
                typeDescription: "A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred messenger or primary messenger.  The primary attribute value 'true' MUST appear no more than once."
            ),
            multi(
                "photos",
                "URLs of photos of the User.",
                value: reference("value", ["external"], "URL of a photo of the User."),
                types: ["photo", "thumbnail"],
                typeDescription: "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred photo or thumbnail.  The primary attribute value 'true' MUST appear no more than once."
            ),
            AttributeDefinition(
                name: "addresses",
                type: .complex,
                multiValued: true,
                description:
                    "A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'.  This attribute is a complex type with the following sub-attributes.",
                subAttributes: [
                    string(
                        "formatted",
                        "The full mailing address, formatted for display or use with a mailing label.  This attribute MAY contain newlines."
                    ),
                    string(
                        "streetAddress",
                        "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.  This attribute MAY contain newlines."
                    ),
                    string("locality", "The city or locality component."),
                    string("region", "The state or region component."),
                    string("postalCode", "The zip code or postal code component."),
                    string("country", "The country name component."),
                    string(
                        "type",
                        canonicalValues: ["work", "home", "other"],
                        "A label indicating the attribute's function, e.g., 'work' or 'home'."
                    ),
                    boolean(
                        "primary",
                        "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address.  The primary attribute value 'true' MUST appear no more than once."
                    ),
                ]
            ),
            AttributeDefinition(
                name: "groups",
                type: .complex,
                multiValued: true,
                mutability: .readOnly,
                description:
                    "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
                subAttributes: [
                    string("value", mutability: .readOnly, "The identifier of the User's group."),
                    reference(
                        "$ref",
                        ScimResourceType.allCases.map(\.name),
                        mutability: .readOnly,
                        "The URI of the corresponding 'Group' resource to which the user belongs."
                    ),
                    string("display", mutability: .readOnly, "A human-readable name, primarily used for display purposes.  READ-ONLY."),
                    string(
                        "type",
                        mutability: .readOnly,
                        canonicalValues: ["direct", "indirect"],
                        "A label indicating the attribute's function, e.g., 'direct' or 'indirect'."
                    ),
                ]
            ),
            multi(
                "entitlements",
                "A list of entitlements for the User that represent a thing the User has.",
                value: string("value", "The value of an entitlement."),
                types: [],
                typeDescription: "A label indicating the attribute's function.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once."
            ),
            multi(
                "roles",
                "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
                value: string("value", "The value of a role."),
                types: [],
                typeDescription: "A label indicating the attribute's function.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once."
            ),
            multi(
                "x509Certificates",
                "A list of certificates issued to the User.",
                value: AttributeDefinition(name: "value", type: .binary, caseExact: true, description: "The value of an X.509 certificate."),
                types: [],
                typeDescription: "A label indicating the attribute's function.",
                primaryDescription:
                    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.  The primary attribute value 'true' MUST appear no more than once."
            ),
        ]
    )

    package static let group = SchemaDefinition(
        id: ScimSchemaURN.group,
        name: ScimResourceType.group.name,
        description: "Group",
        attributes: [
            // The RFC 7643 §8.7.1 schema JSON says required: false, but §4.2's text says REQUIRED; Provisio needs a name
            // to show and to match groups by (Okta and Entra filter on it), so it follows the text.
            string("displayName", required: true, "A human-readable name for the Group. REQUIRED."),
            AttributeDefinition(
                name: "members",
                type: .complex,
                multiValued: true,
                description: "A list of members of the Group.",
                subAttributes: [
                    string("value", mutability: .immutable, "Identifier of the member of this Group."),
                    reference(
                        "$ref",
                        ScimResourceType.allCases.map(\.name),
                        mutability: .immutable,
                        "The URI corresponding to a SCIM resource that is a member of this Group."
                    ),
                    string(
                        "type",
                        mutability: .immutable,
                        canonicalValues: ScimResourceType.allCases.map(\.name),
                        "A label indicating the type of resource, e.g., 'User' or 'Group'."
                    ),
                ]
            ),
        ]
    )

    package static let enterpriseUser = SchemaDefinition(
        id: ScimSchemaURN.enterpriseUser,
        name: "EnterpriseUser",
        description: "Enterprise User",
        attributes: [
            string(
                "employeeNumber",
                "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."
            ),
            string("costCenter", "Identifies the name of a cost center."),
            string("organization", "Identifies the name of an organization."),
            string("division", "Identifies the name of a division."),
            string("department", "Identifies the name of a department."),
            AttributeDefinition(
                name: "manager",
                type: .complex,
                description:
                    "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
                subAttributes: [
                    string("value", "The id of the SCIM resource representing the User's manager.  REQUIRED."),
                    reference("$ref", [ScimResourceType.user.name], "The URI of the SCIM resource representing the User's manager.  REQUIRED."),
                    string("displayName", mutability: .readOnly, "The displayName of the User's manager. OPTIONAL and READ-ONLY."),
                ]
            ),
        ]
    )

    /// The common attributes of RFC 7643 §3.1 (plus `schemas`, §3), valid on every resource type.
    /// They are not part of any schema's `attributes` and so are not listed by `/Schemas`.
    package static let commonAttributes: [AttributeDefinition] = [
        AttributeDefinition(
            name: "id",
            type: .string,
            caseExact: true,
            mutability: .readOnly,
            returned: .always,
            uniqueness: .server,
            description: "A unique identifier for a SCIM resource as defined by the service provider."
        ),
        AttributeDefinition(
            name: "externalId",
            type: .string,
            caseExact: true,
            description: "A String that is an identifier for the resource as defined by the provisioning client."
        ),
        AttributeDefinition(
            name: "meta",
            type: .complex,
            mutability: .readOnly,
            description: "A complex attribute containing resource metadata.",
            subAttributes: [
                AttributeDefinition(
                    name: "resourceType",
                    type: .string,
                    caseExact: true,
                    mutability: .readOnly,
                    description: "The name of the resource type of the resource."
                ),
                AttributeDefinition(
                    name: "created",
                    type: .dateTime,
                    mutability: .readOnly,
                    description: "The \"DateTime\" that the resource was added to the service provider."
                ),
                AttributeDefinition(
                    name: "lastModified",
                    type: .dateTime,
                    mutability: .readOnly,
                    description: "The most recent DateTime that the details of this resource were updated at the service provider."
                ),
                AttributeDefinition(
                    name: "location",
                    type: .reference,
                    caseExact: true,
                    mutability: .readOnly,
                    referenceTypes: ["uri"],
                    description: "The URI of the resource being returned."
                ),
                AttributeDefinition(
                    name: "version",
                    type: .string,
                    caseExact: true,
                    mutability: .readOnly,
                    description: "The version of the resource being returned."
                ),
            ]
        ),
        AttributeDefinition(
            name: "schemas",
            type: .reference,
            multiValued: true,
            required: true,
            caseExact: false,
            returned: .always,
            referenceTypes: ["uri"],
            description: "The schema URIs that define the attributes present in the resource."
        ),
    ]

    package static let userResourceType = ResourceTypeDefinition(
        id: ScimResourceType.user.name,
        name: ScimResourceType.user.name,
        endpoint: "/" + ScimResourceType.user.endpoint,
        description: "User Account",
        schema: ScimResourceType.user.schema,
        schemaExtensions: [SchemaExtensionReference(schema: ScimSchemaURN.enterpriseUser, required: false)]
    )

    package static let groupResourceType = ResourceTypeDefinition(
        id: ScimResourceType.group.name,
        name: ScimResourceType.group.name,
        endpoint: "/" + ScimResourceType.group.endpoint,
        description: "Group",
        schema: ScimResourceType.group.schema
    )

    // MARK: builders

    private static func string(
        _ name: String,
        required: Bool = false,
        mutability: Mutability = .readWrite,
        returned: Returned = .default,
        uniqueness: Uniqueness = .none,
        canonicalValues: [String] = [],
        _ description: String
    ) -> AttributeDefinition {
        AttributeDefinition(
            name: name,
            type: .string,
            required: required,
            mutability: mutability,
            returned: returned,
            uniqueness: uniqueness,
            canonicalValues: canonicalValues,
            description: description
        )
    }

    private static func boolean(_ name: String, _ description: String) -> AttributeDefinition {
        AttributeDefinition(name: name, type: .boolean, description: description)
    }

    private static func reference(
        _ name: String,
        _ referenceTypes: [String],
        mutability: Mutability = .readWrite,
        _ description: String
    ) -> AttributeDefinition {
        AttributeDefinition(name: name, type: .reference, mutability: mutability, referenceTypes: referenceTypes, description: description)
    }

    private static func complex(_ name: String, _ description: String, _ subAttributes: [AttributeDefinition]) -> AttributeDefinition {
        AttributeDefinition(name: name, type: .complex, description: description, subAttributes: subAttributes)
    }

    /// The usual `value` / `display` / `type` / `primary` multi-valued complex attribute of RFC 7643 §2.4.
    private static func multi(
        _ name: String,
        _ description: String,
        value: AttributeDefinition,
        types: [String],
        typeDescription: String,
        primaryDescription: String
    ) -> AttributeDefinition {
        AttributeDefinition(
            name: name,
            type: .complex,
            multiValued: true,
            description: description,
            subAttributes: [
                value,
                string("display", "A human-readable name, primarily used for display purposes.  READ-ONLY."),
                string("type", canonicalValues: types, typeDescription),
                boolean("primary", primaryDescription),
            ]
        )
    }
}
