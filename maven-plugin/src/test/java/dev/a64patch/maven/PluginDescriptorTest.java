package dev.a64patch.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The generated plugin descriptor: both goals, their phases, thread safety, and every parameter
 * documented, settable as -Da64patch.NAME, and listed in docs/build-integration.md.
 */
class PluginDescriptorTest {
  static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");

  static Document descriptor() throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DESCRIPTOR.toFile());
  }

  static String text(Element e, String tag) {
    NodeList l = e.getElementsByTagName(tag);
    return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
  }

  static Element mojo(Document d, String goal) {
    NodeList mojos = d.getElementsByTagName("mojo");
    for (int i = 0; i < mojos.getLength(); i++) {
      Element m = (Element) mojos.item(i);
      if (goal.equals(text(m, "goal"))) {
        return m;
      }
    }
    throw new AssertionError("no goal " + goal);
  }

  @Test
  void goalsPhasesAndThreadSafety() throws Exception {
    Document d = descriptor();
    assertEquals("a64patch", text(d.getDocumentElement(), "goalPrefix"));
    for (Map.Entry<String, String> g :
        Map.of("patch", "prepare-package", "scan", "verify").entrySet()) {
      Element m = mojo(d, g.getKey());
      assertEquals(g.getValue(), text(m, "phase"), g.getKey());
      assertEquals("true", text(m, "threadSafe"), g.getKey());
      assertFalse(text(m, "description").isBlank());
    }
  }

  @Test
  void everyParameterIsDocumentedHasAnA64patchPropertyAndIsInTheDocs() throws Exception {
    Document d = descriptor();
    String docs =
        Files.readString(TestData.root().getParent().resolve("docs/build-integration.md"));
    List<String> seen = new ArrayList<>();
    for (String goal : List.of("patch", "scan")) {
      Element m = mojo(d, goal);
      NodeList params =
          ((Element) m.getElementsByTagName("parameters").item(0))
              .getElementsByTagName("parameter");
      NodeList config = ((Element) m.getElementsByTagName("configuration").item(0)).getChildNodes();
      for (int i = 0; i < params.getLength(); i++) {
        Element p = (Element) params.item(i);
        String name = text(p, "name");
        if ("false".equals(text(p, "editable"))) {
          continue; // read-only (the project directory)
        }
        assertFalse(
            text(p, "description") == null || text(p, "description").isBlank(), goal + " " + name);
        String expression = null;
        for (int j = 0; j < config.getLength(); j++) {
          if (config.item(j) instanceof Element c && c.getTagName().equals(name)) {
            expression = c.getTextContent().trim();
          }
        }
        assertEquals("${a64patch." + name + "}", expression, goal + " " + name);
        assertTrue(
            docs.contains("| `" + name + "` | `a64patch." + name + "` |"),
            "docs table lacks " + name);
        seen.add(goal + ":" + name);
      }
    }
    assertTrue(
        seen.contains("patch:skip")
            && seen.contains("scan:skip")
            && seen.contains("scan:failOnFindings"),
        seen.toString());
  }
}
