import Foundation
import Logging
import Persistence

enum MappingMigrations {
    static let all: [Migration] = [v1]

    /// Custom identity attributes per tenant, the identity providers the service knows (with their type), and
    /// each IdP's mapping rules.
    static let v1 = Migration(version: 1, name: "identity-attributes-and-mappings") { _ in
        [
            """
            CREATE TABLE identity_attributes (
                tenant_id TEXT NOT NULL, name TEXT NOT NULL, name_lower TEXT NOT NULL, description TEXT NOT NULL,
                type TEXT NOT NULL, multi_valued BOOLEAN NOT NULL, mandatory BOOLEAN NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY (tenant_id, name_lower))
            """,
            """
            CREATE TABLE identity_providers (
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, provider_type TEXT NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY (tenant_id, idp_id))
            """,
            """
            CREATE TABLE attribute_mappings (
                tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL, attribute_lower TEXT NOT NULL, attribute TEXT NOT NULL,
                scim_path TEXT NOT NULL, PRIMARY KEY (tenant_id, idp_id, attribute_lower),
                FOREIGN KEY (tenant_id, idp_id) REFERENCES identity_providers(tenant_id, idp_id) ON DELETE CASCADE)
            """,
        ]
    }
}
