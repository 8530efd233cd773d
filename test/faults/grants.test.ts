import { benign, faults } from './grants.faults';
import { benignTests, faultTests } from '../harness/fault-cases';

faultTests(faults);
benignTests(benign);
