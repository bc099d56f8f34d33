import { readFileSync } from 'node:fs';
import { App, type AppProps } from 'aws-cdk-lib';

/** cdk.json's context (the feature flags), as `cdk synth` and `cdk deploy` see it. */
const projectContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/** A CDK app as the CLI builds it from cdk.json, plus the given context (e.g. a stage, or no bundling). */
export const projectApp = (context: Record<string, unknown> = {}, props: Omit<AppProps, 'context'> = {}) =>
  new App({ ...props, context: { ...projectContext, ...context } });
