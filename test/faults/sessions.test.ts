import { benign, faults, fixes } from './sessions.faults';
import { benignTests, faultTests, fixTests } from '../harness/fault-cases';

faultTests(faults);
benignTests(benign);
fixTests(fixes);
