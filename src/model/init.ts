/** What `caac init` copies (its port is src/ports/init-files.ts). */

export interface ExampleWorkflow {
  /** `plan.yml` */
  name: string;
  content: string;
}
