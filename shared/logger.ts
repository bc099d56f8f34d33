import { Logger } from '@aws-lambda-powertools/logger';

/** The service's name in every log line and metric (Powertools' `service`). */
export const SERVICE_NAME = 'meeting-api';

/** JSON logs; the request middleware adds the Request-ID to every line. Never log tokens or bodies. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
