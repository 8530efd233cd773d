import { benign, faults } from './rate-limit.faults';
import { benignTests, faultTests } from '../harness/fault-cases';

faultTests(faults);
benignTests(benign);
