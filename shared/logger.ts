import { Logger } from '@aws-lambda-powertools/logger';

/** JSON logs; the request middleware adds the Request-ID to every line. Never log tokens or bodies. */
export const logger = new Logger({ serviceName: 'meeting-api' });
