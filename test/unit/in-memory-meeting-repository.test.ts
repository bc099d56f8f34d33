import { InMemoryMeetingRepository } from '../support/in-memory-meeting-repository.js';
import { describeMeetingRepositoryContract } from '../support/meeting-repository-contract.js';

describeMeetingRepositoryContract('in memory', () => new InMemoryMeetingRepository());
