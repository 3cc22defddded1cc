/** Where caac's engine and Graph's What If judge a policy differently, for `what-if --live`. */

export interface Disagreement {
  policy: string;
  /** What the engine said: `applies`, `report-only, would apply`, or its reason. */
  engine: string;
  /** What Graph said: `applies` or its analysisReasons. */
  graph: string;
}
