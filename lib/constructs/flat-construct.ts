import { Construct, type IConstruct } from 'constructs';

/**
 * A construct that groups resources without taking part in their logical IDs: MeetingApiStack
 * leaves its id out when it names what is under it. The stack was deployed before it was split
 * into constructs, and a changed logical ID makes CloudFormation replace the resource (the table
 * and the user pool with their data). A construct added later (an event pipeline) has no deployed
 * IDs to keep: it extends Construct, not this.
 */
export class FlatConstruct extends Construct {}

/** The scopes of a construct's path that name its resources: all but the flat ones. */
export const namingScopes = (construct: IConstruct): IConstruct[] =>
  construct.node.scopes.filter((scope) => !(scope instanceof FlatConstruct));
