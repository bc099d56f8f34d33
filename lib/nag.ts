import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/** cdk-nag's AwsSolutions and Serverless packs run on every synth: a finding fails it. */
export function applyNagPacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** Every acknowledged finding of the stack, in one place, each with its reason. */
export function acknowledgeFindings(stack: Stack): void {
  void stack;
}
