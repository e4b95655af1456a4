package dev.iops.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * iops-bom lists every module the build publishes, at the build's version, and nothing else: a module added to the
 * reactor without a BOM entry (or a BOM entry for a module that is gone) fails here. A module is published unless
 * its pom sets {@code maven.deploy.skip} (iops-examples) or it is a pom-packaged parent or the BOM itself.
 */
class BomTest {
    // the tests run in iops-examples; the reactor root is its parent folder
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static Element pom(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(file.toFile());
        return doc.getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
        return found.get(0);
    }

    @Test
    void theBomListsEveryPublishedModuleAtTheBuildsVersion() throws Exception {
        Element root = pom(ROOT.resolve("pom.xml"));
        String version = text(root, "version");
        TreeSet<String> published = new TreeSet<>();
        for (Element module : children(child(root, "modules"), "module")) {
            Element pom = pom(ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml"));
            String artifactId = text(pom, "artifactId");
            List<Element> properties = children(pom, "properties");
            boolean skipsDeploy = !properties.isEmpty()
                    && text(properties.get(0), "maven.deploy.skip").equals("true");
            if (!skipsDeploy && !text(pom, "packaging").equals("pom")) {
                published.add(artifactId);
            }
        }
        assertThat(published).as("published modules").contains("iops-api", "iops-testkit", "iops-linux");

        Element bom = pom(ROOT.resolve("iops-bom").resolve("pom.xml"));
        assertThat(text(bom, "version")).as("iops-bom's version").isEqualTo(version);
        Map<String, String> managed = new TreeMap<>();
        for (Element dep : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(text(dep, "groupId")).isEqualTo("dev.iops");
            managed.put(text(dep, "artifactId"), text(dep, "version"));
        }
        assertThat(managed.keySet()).as("artifacts iops-bom manages; add a <dependency> to iops-bom/pom.xml for each "
                + "new published module").containsExactlyElementsOf(published);
        assertThat(managed.values()).as("their versions").containsOnly("${project.version}");
    }

    @Test
    void everyPublishedPomCarriesWhatCentralRequires() throws Exception {
        assertThat(ROOT.resolve("LICENSE")).content().contains("Apache License", "Version 2.0, January 2004");
        for (String file : List.of("pom.xml", "iops-bom/pom.xml")) {
            Element pom = pom(ROOT.resolve(file));
            assertThat(text(pom, "url")).as("<url> of %s", file).startsWith("https://");
            assertThat(text(child(child(pom, "licenses"), "license"), "name")).as(file).isEqualTo("Apache-2.0");
            assertThat(text(child(pom, "scm"), "connection")).as(file).startsWith("scm:git:");
            assertThat(children(child(pom, "developers"), "developer")).as(file).isNotEmpty();
            assertThat(text(pom, "description")).as(file).isNotBlank();
        }
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).as("reproducible builds")
                .containsPattern("<project.build.outputTimestamp>\\d{4}-\\d\\d-\\d\\dT[^<]+Z</project.build.outputTimestamp>");
    }
}
