/** The default manifest renderer: Go text/template with upstream's manifest function map (B2.5). */
import { renderTemplate } from "../template/index.ts";
import type { TemplateRenderer } from "./manifests.ts";

export const manifestTemplate: TemplateRenderer = (text, data, name, compiled) => renderTemplate(text, data, name, compiled ? { base: "manifest", compiled } : { base: "manifest" });
