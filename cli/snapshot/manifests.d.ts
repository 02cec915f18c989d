/** The agent's manifests (manifests/*.yaml) imported as text (`with { type: "text" }`). */
declare module "*.yaml" {
  const text: string;
  export default text;
}
