import { benign, faults } from './workload.faults';
import { benignTests, faultTests } from '../harness/fault-cases';

faultTests(faults);
benignTests(benign);
