/**
 * A deployed stack's outputs, as the operator commands read them (names in shared/stack-outputs.ts).
 * AWS credentials and region come from the environment, as the AWS CLI finds them.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export class StackOutputs {
  private constructor(
    readonly stackName: string,
    /** Where the stack is (the region the environment names). */
    readonly region: string,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  static async read(stackName: string, cloudFormation = new CloudFormationClient({})): Promise<StackOutputs> {
    const region = await cloudFormation.config.region().catch(() => undefined);
    if (!region) throw new Error("no AWS region: set AWS_REGION (or your profile's region) to the stack's region");
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw new Error(`no stack ${stackName} in this account and region`);
    const values = new Map<string, string>();
    for (const { OutputKey, OutputValue } of stack.Outputs ?? [])
      if (OutputKey && OutputValue !== undefined) values.set(OutputKey, OutputValue);
    return new StackOutputs(stackName, region, values);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  /** The output, or an error naming what its absence means (`why`). */
  require(key: string, why: string): string {
    const value = this.values.get(key);
    if (value === undefined) throw new Error(`stack ${this.stackName} has no output ${key}: ${why}`);
    return value;
  }
}
